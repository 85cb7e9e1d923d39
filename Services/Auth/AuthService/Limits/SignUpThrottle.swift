import Foundation
import Logging
import Metrics
import PostgresNIO
import ServiceSupport
import TokenKit

/// `SIGNUPS_PER_CLIENT` sign-ups per client address within `SIGNUP_WINDOW_SECONDS`, held when the
/// sign-ups arrive at once and across auth replicas.
///
/// Every sign-up that passes validation costs a bcrypt hash, whether or not its e-mail turns out to
/// be taken, so each one is counted, before hashing, under the address's advisory lock. Without the
/// limit one client can fill the hashing queue and the accounts table at will.
struct SignUpThrottle: Sendable {
    let client: PostgresClient
    let limit: SlidingWindowLimit
    let logger: Logger

    private static let refusals = Counter(label: "latchkey_signup_limit_refusals_total")

    /// Counts one sign-up for the address and returns its id, or throws 429 with `Retry-After` (and
    /// counts nothing) when the address is at its limit.
    func reserve(clientAddress: String, now: Date) async throws -> Int64 {
        let outcome = try await self.client.withTransaction(logger: self.logger) { connection -> Result<Int64, LoginThrottle.RetryAfter> in
            try await LimitLock.acquire([.signUpClient(clientAddress)], on: connection, logger: self.logger)
            let rows = try await connection.query(
                """
                SELECT attempted_at FROM signup_attempts WHERE client_address = \(clientAddress) AND attempted_at > \(self.limit.start(at: now))
                ORDER BY attempted_at DESC LIMIT \(self.limit.limit)
                """,
                logger: self.logger
            )
            var recent: [Date] = []
            for try await date in rows.decode(Date.self) { recent.append(date) }
            if let seconds = self.limit.retryAfter(newestFirst: recent, now: now) { return .failure(.init(seconds: seconds)) }
            let inserted = try await connection.query(
                "INSERT INTO signup_attempts (client_address, attempted_at) VALUES (\(clientAddress), \(now)) RETURNING id",
                logger: self.logger
            )
            for try await id in inserted.decode(Int64.self) { return .success(id) }
            throw MissingReturnedRow()
        }
        switch outcome {
        case .success(let id):
            return id
        case .failure(let wait):
            Self.refusals.increment()
            throw Problem.retryLater(.rateLimited, detail: "Too many sign-ups from this address; try again later.", afterSeconds: wait.seconds)
        }
    }

    /// Uncounts a sign-up that never reached the hashing threads (the queue was full).
    func withdraw(_ id: Int64) async throws {
        try await self.client.query("DELETE FROM signup_attempts WHERE id = \(id)", logger: self.logger)
    }

    /// Deletes attempts older than `before`.
    func prune(before: Date) async throws {
        try await self.client.query("DELETE FROM signup_attempts WHERE attempted_at <= \(before)", logger: self.logger)
    }
}
