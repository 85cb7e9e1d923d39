import Foundation

/// The login failure limits, per e-mail and per client address, over a sliding window.
///
/// Once an e-mail or an address has `limit` failures inside the window, every attempt for it is
/// refused with 429, even with the right password, until the oldest of those failures leaves
/// the window. Refused attempts are not counted, so the lock cannot be extended forever.
struct LoginThrottle: Sendable {
    let repository: LoginFailureRepository
    let perEmail: Int
    let perClient: Int
    let window: TimeInterval

    /// Seconds until the next attempt is allowed, or nil when it is allowed now.
    func retryAfter(email: String, clientAddress: String, now: Date) async throws -> Int? {
        let since = now.addingTimeInterval(-self.window)
        let byEmail = try await self.repository.recentFailures(email: email, since: since, limit: self.perEmail)
        let byClient = try await self.repository.recentFailures(clientAddress: clientAddress, since: since, limit: self.perClient)
        let waits = [self.wait(byEmail, limit: self.perEmail, now: now), self.wait(byClient, limit: self.perClient, now: now)]
        return waits.compactMap { $0 }.max()
    }

    func recordFailure(email: String, clientAddress: String, now: Date) async throws {
        try await self.repository.record(email: email, clientAddress: clientAddress, at: now)
    }

    func recordSuccess(email: String) async throws {
        try await self.repository.clear(email: email)
    }

    /// With failures newest first: blocked until the `limit`-th newest leaves the window.
    private func wait(_ failures: [Date], limit: Int, now: Date) -> Int? {
        guard failures.count >= limit, let oldest = failures.last else { return nil }
        let seconds = oldest.addingTimeInterval(self.window).timeIntervalSince(now)
        return max(1, Int(seconds.rounded(.up)))
    }
}
