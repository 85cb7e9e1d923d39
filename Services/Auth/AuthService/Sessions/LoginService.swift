import Foundation
import Logging
import Metrics
import TokenKit

/// Checks credentials under the failure limits and opens sessions.
///
/// A wrong e-mail and a wrong password take the same path, including one bcrypt comparison, so
/// they answer the same 401 in about the same time.
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
    let clock: AuthClock
    let logger: Logger

    func login(email: String, password: String, info: LoginRequestInfo, transport: TokenTransport) async throws -> IssuedTokens {
        let now = self.clock.now()
        try await self.enforceLimits(email: email, clientAddress: info.clientAddress, now: now)
        let account = try await self.accounts.find(email: email)
        let matches = try await self.hasher.verify(password, against: account?.passwordHash ?? self.dummyHash)
        guard let account, matches else {
            try await self.throttle.recordFailure(email: email, clientAddress: info.clientAddress, now: now)
            Counter(label: "latchkey_logins_total", dimensions: [("outcome", "invalid_credentials")]).increment()
            self.logger.info("Login refused", metadata: ["client.address": .string(info.clientAddress)])
            throw Problem(.invalidCredentials, detail: "The e-mail or password is wrong.")
        }
        try await self.throttle.recordSuccess(email: email)
        let sessionID = UUID()
        let session = SessionRecord(
            id: sessionID,
            accountID: account.id,
            createdAt: now,
            lastUsedAt: now,
            idleExpiresAt: now.addingTimeInterval(self.policy.refreshIdleTTL),
            absoluteExpiresAt: now.addingTimeInterval(self.policy.refreshAbsoluteTTL),
            revokedAt: nil,
            userAgent: info.userAgent,
            ip: info.clientAddress,
            refreshGeneration: 0,
            generationStartedAt: now,
            csrfHash: self.csrfTokens.hash(for: sessionID)
        )
        try await self.sessions.insert(session)
        Counter(label: "latchkey_logins_total", dimensions: [("outcome", "success")]).increment()
        self.logger.info("Session created", metadata: ["user.id": "\(account.id)", "session.id": "\(session.id)"])
        return try await self.issuer.tokens(for: session, transport: transport)
    }

    /// Throws 429 with `Retry-After` when the e-mail or the client address is over its limit.
    func enforceLimits(email: String, clientAddress: String, now: Date) async throws {
        if let seconds = try await self.throttle.retryAfter(email: email, clientAddress: clientAddress, now: now) {
            Counter(label: "latchkey_logins_total", dimensions: [("outcome", "rate_limited")]).increment()
            throw Problem.retryLater(.rateLimited, detail: "Too many failed logins; try again later.", afterSeconds: seconds)
        }
    }
}
