import Foundation
import Logging
import PostgresNIO
import ServiceSupport
import TokenKit
import TokenKitHummingbird

/// Sign-up and password change.
struct AccountService: Sendable {
    let client: PostgresClient
    let accounts: AccountRepository
    let revocations: RevocationRepository
    let hasher: PasswordHasher
    let throttle: LoginThrottle
    let signUps: SignUpThrottle
    let clock: AuthClock
    let logger: Logger

    /// Creates an account; 409 `conflict` when the e-mail is taken, 429 past the address's sign-up limit.
    func signUp(email: String, password: String, clientAddress: String) async throws -> Account {
        let now = self.clock.now()
        let attempt = try await self.signUps.reserve(clientAddress: clientAddress, now: now)
        let hash: String
        do {
            hash = try await self.hasher.hash(password)
        } catch {
            try? await self.signUps.withdraw(attempt)
            throw error
        }
        guard let account = try await self.accounts.create(email: email, passwordHash: hash, now: now) else {
            throw Problem(.conflict, detail: "An account with this e-mail already exists.")
        }
        self.logger.info("Account created", metadata: ["user.id": "\(account.id)"])
        return account
    }

    /// Changes the password after checking the current one, and revokes every other session.
    ///
    /// A wrong current password counts as a failed login for the account's e-mail, before the hash
    /// runs, so a stolen access token cannot guess the password faster than the login form allows,
    /// not even with parallel requests.
    func changePassword(accountID: UUID, keepingSession sessionID: UUID, current: String, new: String, clientAddress: String) async throws {
        guard let account = try await self.accounts.find(id: accountID) else {
            throw AccessDenied.sessionEnded
        }
        let now = self.clock.now()
        let matches = try await self.throttle.counting(email: account.email, clientAddress: clientAddress, now: now) {
            try await self.hasher.verify(current, against: account.passwordHash)
        }
        guard matches else {
            throw Problem.wrongPassword(detail: "The current password is wrong.")
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
