import Foundation
import Logging
import PostgresNIO

/// Failed (and reserved) login attempts, shared by every auth replica through the database.
struct LoginFailureRepository: Sendable {
    let client: PostgresClient
    let logger: Logger

    /// Counts one attempt for the e-mail and the client address in one statement, under their locks:
    /// the new failure's id, or the seconds to wait when either is at its limit (nothing counted).
    func reserve(
        email: String,
        clientAddress: String,
        limits: (email: SlidingWindowLimit, client: SlidingWindowLimit),
        now: Date
    ) async throws
        -> Result<Int64, LoginThrottle.RetryAfter>
    {
        let locks = LimitLock.order([.loginEmail(email), .loginClient(clientAddress)])
        let rows = try await self.client.query(
            """
            SELECT reservation, retry_after FROM reserve_login_attempt(
                \(email), \(clientAddress), \(locks.first!), \(locks.last!),
                \(Int64(limits.email.limit)), \(Int64(limits.client.limit)), \(Int64(limits.email.window)), \(now))
            """,
            logger: self.logger
        )
        return try await Self.outcome(rows)
    }

    /// The outcome row of a `reserve_…_attempt` function.
    static func outcome(_ rows: PostgresRowSequence) async throws -> Result<Int64, LoginThrottle.RetryAfter> {
        for try await (reservation, retryAfter) in rows.decode((Int64?, Int64?).self) {
            if let reservation { return .success(reservation) }
            if let retryAfter { return .failure(LoginThrottle.RetryAfter(seconds: Int(retryAfter))) }
        }
        throw MissingReturnedRow()
    }

    /// Deletes one failure (a withdrawn reservation).
    func delete(id: Int64) async throws {
        try await self.client.query("DELETE FROM login_failures WHERE id = \(id)", logger: self.logger)
    }

    /// Forgets the e-mail's failures after a successful login.
    func clear(email: String) async throws {
        try await self.client.query("DELETE FROM login_failures WHERE email = \(email)", logger: self.logger)
    }

    /// Deletes failures older than `before`.
    func prune(before: Date) async throws {
        try await self.client.query("DELETE FROM login_failures WHERE failed_at <= \(before)", logger: self.logger)
    }
}

/// A `reserve_…_attempt` call that returned neither a reservation nor a wait, which it never does.
struct MissingReturnedRow: Error {}
