/// Answers whether a locally verified caller's session is still active.
///
/// The resource services ask `auth` (introspection); `auth` itself asks its database.
public protocol SessionStatusChecker: Sendable {
    /// True when the session is active now. Throws a ``Problem`` (503 `auth-unavailable`) when
    /// the answer cannot be had: callers fail closed.
    func isSessionActive(_ identity: LocalIdentity) async throws -> Bool
}
