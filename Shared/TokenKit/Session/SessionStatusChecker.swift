/// Answers whether a locally verified caller's session is still active.
///
/// The resource services ask `auth` (introspection); `auth` itself asks its database.
public protocol SessionStatusChecker: Sendable {
    /// True when the session is active now. Throws ``SessionCheckUnavailable`` when the answer cannot
    /// be had in time: callers fail closed.
    func isSessionActive(_ identity: LocalIdentity) async throws -> Bool
}

/// The session's state could not be learned (`auth` unreachable, too slow, or answering nonsense):
/// a dangerous request must fail closed and may retry after `retryAfterSeconds`.
public struct SessionCheckUnavailable: Error, Sendable, Equatable {
    public let retryAfterSeconds: Int

    public init(retryAfterSeconds: Int) {
        self.retryAfterSeconds = retryAfterSeconds
    }
}
