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
/// be taken, so each one is counted, before hashing, under the address's advisory lock (the database
/// function `reserve_signup_attempt`, one statement). Without the limit one client can fill the
/// hashing queue and the accounts table at will.
struct SignUpThrottle: Sendable {
    let client: PostgresClient
    let limit: SlidingWindowLimit
    let logger: Logger

    private static let refusals = Counter(label: "latchkey_signup_limit_refusals_total")

    /// Counts one sign-up for the address and returns its id, or throws 429 with `Retry-After` (and
    /// counts nothing) when the address is at its limit.
    func reserve(clientAddress: String, now: Date) async throws -> Int64 {
        let rows = try await self.client.query(
            """
            SELECT reservation, retry_after FROM reserve_signup_attempt(
                \(clientAddress), \(LimitLock.signUpClient(clientAddress).id), \(Int64(self.limit.limit)),
                \(Int64(self.limit.window)), \(now))
            """,
            logger: self.logger
        )
        let outcome = try await LoginFailureRepository.outcome(rows)
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
