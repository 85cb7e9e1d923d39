import Foundation
import Logging
import PostgresNIO
import TokenKit

/// Sign-up and password change.
struct AccountService: Sendable {
    let client: PostgresClient
    let accounts: AccountRepository
    let revocations: RevocationRepository
    let hasher: PasswordHasher
    let throttle: LoginThrottle
    let clock: AuthClock
    let logger: Logger

    /// Creates an account; 409 `conflict` when the e-mail is taken.
    func signUp(email: String, password: String) async throws -> Account {
        let hash = try await self.hasher.hash(password)
        guard let account = try await self.accounts.create(email: email, passwordHash: hash, now: self.clock.now()) else {
            throw Problem(.conflict, detail: "An account with this e-mail already exists.")
        }
        self.logger.info("Account created", metadata: ["user.id": "\(account.id)"])
        return account
    }

    /// Changes the password after checking the current one, and revokes every other session.
    ///
    /// A wrong current password counts as a failed login for the account's e-mail, so a stolen
    /// access token cannot be used to guess the password faster than the login form allows.
    func changePassword(accountID: UUID, keepingSession sessionID: UUID, current: String, new: String, clientAddress: String) async throws {
        guard let account = try await self.accounts.find(id: accountID) else {
            throw BearerChallenge.sessionEndedProblem()
        }
        let now = self.clock.now()
        if let seconds = try await self.throttle.retryAfter(email: account.email, clientAddress: clientAddress, now: now) {
            throw Problem.retryLater(.rateLimited, detail: "Too many failed attempts; try again later.", afterSeconds: seconds)
        }
        guard try await self.hasher.verify(current, against: account.passwordHash) else {
            try await self.throttle.recordFailure(email: account.email, clientAddress: clientAddress, now: now)
            throw BearerChallenge.wrongPasswordProblem(detail: "The current password is wrong.")
        }
        let hash = try await self.hasher.hash(new)
        let revoked = try await self.client.withTransaction(logger: self.logger) { connection in
            try await self.accounts.updatePassword(accountID: accountID, passwordHash: hash, now: now, on: connection)
            return try await self.revocations.revokeAll(
                accountID: accountID,
                keeping: sessionID,
                reason: .passwordChanged,
                now: now,
                on: connection
            )
        }
        self.logger.info("Password changed", metadata: ["user.id": "\(accountID)", "sessions.revoked": "\(revoked.count)"])
    }
}
