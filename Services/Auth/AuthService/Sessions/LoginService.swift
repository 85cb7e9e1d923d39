import Foundation
import Logging
import Metrics
import ServiceSupport
import TokenKit

/// Checks credentials under the failure limits and opens sessions.
///
/// A wrong e-mail and a wrong password take the same path, including one bcrypt comparison, so
/// they answer the same 401 in about the same time. The attempt is counted before the hash runs
/// (``LoginThrottle``), so parallel guesses cannot all slip under the limit.
struct LoginService: Sendable {
    let accounts: AccountRepository
    let sessions: SessionRepository
    let throttle: LoginThrottle
    let hasher: PasswordHasher
    /// A hash compared against when the e-mail is unknown, so that path pays one bcrypt too.
    let dummyHash: String
    let issuer: TokenIssuer
    let csrfTokens: SessionCSRFToken
    let policy: SessionPolicy
    let events: SecurityEventRepository
    let cap: SessionCap
    let clock: AuthClock
    let logger: Logger

    /// Every outcome for a known account is one of its security events: `login`, `login-failed`,
    /// `login-limited`. A locked account's right password is 403 `account-locked`; a wrong one stays 401.
    func login(email: String, password: String, origin: EventOrigin, transport: TokenTransport) async throws -> IssuedTokens {
        let now = self.clock.now()
        let clientAddress = origin.ip ?? "unknown"
        let account: Account?
        do {
            var found: Account?
            let matches = try await self.throttle.counting(email: email, clientAddress: clientAddress, now: now) {
                found = try await self.accounts.find(email: email)
                return try await self.hasher.verify(password, against: found?.passwordHash ?? self.dummyHash) && found != nil
            }
            account = matches ? found : nil
        } catch let problem as Problem where problem.type == .rateLimited {
            Self.count("rate_limited")
            try await self.events.record(.loginLimited, email: email, origin: origin, at: now)
            throw problem
        }
        guard let account else { throw try await self.refused(email: email, origin: origin, now: now) }
        guard account.lockedAt == nil else {
            Self.count("locked")
            try await self.events.record(.loginFailed, accountID: account.id, origin: origin, at: now)
            throw Problem(.accountLocked, detail: "An operator has locked this account.")
        }
        let session = self.newSession(accountID: account.id, origin: origin, now: now)
        // The password was checked against the account as read above; if it has changed since (or
        // every session was ended, or the account was locked or deleted), this login is too late.
        let inserted = try await self.sessions.insert(session, atEpoch: account.sessionEpoch) { connection in
            try await self.events.record(.login, accountID: account.id, origin: origin.with(sessionID: session.id), at: now, on: connection)
            try await self.cap.trim(accountID: account.id, keeping: session.id, now: now, on: connection)
        }
        guard inserted else {
            throw try await self.refused(email: email, origin: origin, now: now)
        }
        try await self.throttle.clearFailures(email: email)
        Self.count("success")
        self.logger.info("Session created", metadata: ["user.id": "\(account.id)", "session.id": "\(session.id)"])
        await self.rehashIfNeeded(account, password: password)
        return try await self.issuer.tokens(for: session, transport: transport)
    }

    private func newSession(accountID: UUID, origin: EventOrigin, now: Date) -> SessionRecord {
        let sessionID = UUID()
        return SessionRecord(
            id: sessionID,
            accountID: accountID,
            createdAt: now,
            lastUsedAt: now,
            idleExpiresAt: now.addingTimeInterval(self.policy.refreshIdleTTL),
            absoluteExpiresAt: now.addingTimeInterval(self.policy.refreshAbsoluteTTL),
            revokedAt: nil,
            userAgent: origin.userAgent,
            ip: origin.ip ?? "unknown",
            refreshGeneration: 0,
            generationStartedAt: now,
            csrfHash: self.csrfTokens.hash(for: sessionID)
        )
    }

    /// After `BCRYPT_COST` changed, the stored hash is made again at the new cost. A failure here
    /// costs nothing but a later retry, so the login still succeeds.
    private func rehashIfNeeded(_ account: Account, password: String) async {
        guard self.hasher.needsRehash(account.passwordHash) else { return }
        do {
            let newHash = try await self.hasher.hash(password)
            try await self.accounts.rehash(accountID: account.id, from: account.passwordHash, to: newHash)
            self.logger.info("Password rehashed at the configured cost", metadata: ["user.id": "\(account.id)"])
        } catch {
            self.logger.warning("Password rehash failed", metadata: ["user.id": "\(account.id)", "error.type": "\(type(of: error))"])
        }
    }

    /// The 401 of a wrong e-mail or password, after a `login-failed` event for the account (if the
    /// e-mail has one).
    private func refused(email: String, origin: EventOrigin, now: Date) async throws -> Problem {
        Self.count("invalid_credentials")
        try await self.events.record(.loginFailed, email: email, origin: origin, at: now)
        self.logger.info("Login refused", metadata: ["client.address": .string(origin.ip ?? "unknown")])
        return Problem(.invalidCredentials, detail: "The e-mail or password is wrong.")
    }

    private static let outcomes = OutcomeCounters(
        label: "latchkey_logins_total",
        outcomes: ["success", "invalid_credentials", "rate_limited", "locked"]
    )

    private static func count(_ outcome: String) {
        self.outcomes.increment(outcome)
    }
}
