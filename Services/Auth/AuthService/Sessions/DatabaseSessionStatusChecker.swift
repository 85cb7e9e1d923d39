import TokenKit

/// Auth's own session check for its dangerous endpoints: the session row, read from the database.
struct DatabaseSessionStatusChecker: SessionStatusChecker {
    let sessions: SessionRepository
    let clock: AuthClock

    func isSessionActive(_ identity: LocalIdentity) async throws -> Bool {
        guard let session = try await self.sessions.find(id: identity.sessionID) else { return false }
        return session.accountID == identity.userID && session.isActive(at: self.clock.now())
    }
}
