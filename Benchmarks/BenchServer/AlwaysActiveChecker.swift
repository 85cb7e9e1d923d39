import TokenKit

/// A session checker that confirms every session without asking anyone: the "no session check"
/// side of the write benchmark. Benchmark-only.
struct AlwaysActiveChecker: SessionStatusChecker {
    func isSessionActive(_ identity: LocalIdentity) async throws -> Bool { true }
}
