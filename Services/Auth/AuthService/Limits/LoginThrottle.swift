import Foundation
import Logging
import Metrics
import PostgresNIO
import ServiceSupport
import TokenKit

/// The login failure limits, per e-mail and per client address, held when the attempts arrive at
/// once and across auth replicas.
///
/// An attempt is counted before its password is hashed. In one statement (the database function
/// `reserve_login_attempt`), under the advisory locks of its e-mail and its client address
/// (``LimitLock``), the limits are checked and, when there is room, a failure row is written up
/// front: a reservation. A wrong password leaves it
/// standing; the right one withdraws it. So of N guesses sent at once past a limit of L, at most L
/// reach bcrypt and the rest get 429, and once L failures stand every attempt for that e-mail or
/// address, the right password included, gets 429 until the oldest leaves the window. The same
/// limits count the `current_password` guesses of a password change, for the account's e-mail.
///
/// A process that dies between the reservation and the verdict leaves the reservation as a failure:
/// the limit errs towards refusing, never towards one more guess.
struct LoginThrottle: Sendable {
    let client: PostgresClient
    let repository: LoginFailureRepository
    let perEmail: SlidingWindowLimit
    let perClient: SlidingWindowLimit
    let logger: Logger

    private static let refusals = Counter(label: "latchkey_login_limit_refusals_total")

    /// A counted attempt: a failure row that stands unless the password turns out to be right.
    struct Reservation: Sendable {
        let id: Int64
    }

    init(client: PostgresClient, perEmail: Int, perClient: Int, window: TimeInterval, logger: Logger) {
        self.client = client
        self.repository = LoginFailureRepository(client: client, logger: logger)
        self.perEmail = SlidingWindowLimit(limit: perEmail, window: window)
        self.perClient = SlidingWindowLimit(limit: perClient, window: window)
        self.logger = logger
    }

    /// Counts one attempt for the e-mail and the client address, or throws 429 with `Retry-After`
    /// when either is at its limit (and then counts nothing).
    func reserve(email: String, clientAddress: String, now: Date) async throws -> Reservation {
        let outcome = try await self.repository.reserve(
            email: email,
            clientAddress: clientAddress,
            limits: (self.perEmail, self.perClient),
            now: now
        )
        switch outcome {
        case .success(let id):
            return Reservation(id: id)
        case .failure(let wait):
            Self.refusals.increment()
            throw Problem.retryLater(.rateLimited, detail: "Too many failed attempts; try again later.", afterSeconds: wait.seconds)
        }
    }

    /// After a successful login: the e-mail's earlier failures no longer count.
    func clearFailures(email: String) async throws {
        try await self.repository.clear(email: email)
    }

    /// Uncounts a reserved attempt.
    func withdraw(_ reservation: Reservation) async throws {
        try await self.repository.delete(id: reservation.id)
    }

    /// Runs `check` with one attempt reserved: a wrong password (`false`) leaves it counted, a right
    /// one withdraws it, and an attempt that reached no verdict (the hashing queue was full, the
    /// database failed) does not count either.
    func counting(email: String, clientAddress: String, now: Date, _ check: () async throws -> Bool) async throws -> Bool {
        let reservation = try await self.reserve(email: email, clientAddress: clientAddress, now: now)
        let matches: Bool
        do {
            matches = try await check()
        } catch {
            try? await self.withdraw(reservation)
            throw error
        }
        if matches { try await self.withdraw(reservation) }
        return matches
    }

    /// How long a caller over a limit must wait.
    struct RetryAfter: Error {
        let seconds: Int
    }
}
