import Foundation
import Logging
import PostgresNIO
import ServiceSupport
import TokenKit
import TokenKitHummingbird

/// Sign-up, password change and account deletion.
struct AccountService: Sendable {
    let client: PostgresClient
    let accounts: AccountRepository
    let revocations: RevocationRepository
    let events: SecurityEventRepository
    let hasher: PasswordHasher
    let throttle: LoginThrottle
    let signUps: SignUpThrottle
    let clock: AuthClock
    let logger: Logger

    /// Creates an account; 409 `conflict` when the e-mail is taken, 429 past the address's sign-up limit.
    func signUp(email: String, password: String, origin: EventOrigin) async throws -> Account {
        let now = self.clock.now()
        let attempt = try await self.signUps.reserve(clientAddress: origin.ip ?? "unknown", now: now)
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
        try await self.events.record(.signedUp, accountID: account.id, origin: origin, at: now)
        self.logger.info("Account created", metadata: ["user.id": "\(account.id)"])
        return account
    }

    /// Changes the password after checking the current one, and revokes every session but
    /// `origin.sessionID` (the caller's).
    func changePassword(accountID: UUID, current: String, new: String, origin: EventOrigin) async throws {
        let (account, now) = try await self.checkCurrentPassword(current, accountID: accountID, origin: origin)
        let hash = try await self.hasher.hash(new)
        let revoked = try await self.client.withTransaction(logger: self.logger) { connection in
            try await self.accounts.updatePassword(accountID: accountID, passwordHash: hash, now: now, on: connection)
            let revoked = try await self.revocations.revokeAll(
                accountID: accountID,
                keeping: origin.sessionID,
                reason: .passwordChanged,
                now: now,
                on: connection
            )
            try await self.events.record(.passwordChanged, accountID: account.id, origin: origin, at: now, on: connection)
            return revoked
        }
        self.logger.info("Password changed", metadata: ["user.id": "\(accountID)", "sessions.revoked": "\(revoked.count)"])
    }

    /// Deletes the account after checking the password: every session is revoked (on the feed),
    /// then an `account-deleted` event tells every resource service to delete the user's data, and the
    /// account, its sessions, its security events and the failures counted against its e-mail go.
    /// The e-mail may sign up again, as a new account.
    func deleteAccount(accountID: UUID, current: String, origin: EventOrigin) async throws {
        let (account, now) = try await self.checkCurrentPassword(current, accountID: accountID, origin: origin)
        let revoked = try await self.client.withTransaction(logger: self.logger) { connection -> MassRevocation? in
            // The row lock and the epoch first: a login whose password check is under way fails.
            guard try await self.accounts.lock(id: accountID, on: connection) else { return nil }
            try await self.accounts.endSessionEpoch(accountID: accountID, on: connection)
            let revoked = try await self.revocations.revokeAll(accountID: accountID, keeping: nil, reason: .accountDeleted, now: now, on: connection)
            try await self.revocations.recordAccountDeletion(accountID: accountID, now: now, on: connection)
            try await self.accounts.delete(account, on: connection)
            return revoked
        }
        guard let revoked else { throw AccessDenied.sessionEnded }
        self.logger.notice("Account deleted", metadata: ["user.id": "\(accountID)", "sessions.revoked": "\(revoked.count)"])
    }

    /// Checks a dangerous request's `current_password`. A wrong one counts as a failed login for the
    /// account's e-mail, before the hash runs, so a stolen access token cannot guess the password
    /// faster than the login form allows, not even with parallel requests; it is a `login-failed`
    /// event, and a 401 `invalid-credentials`.
    private func checkCurrentPassword(_ password: String, accountID: UUID, origin: EventOrigin) async throws -> (Account, Date) {
        guard let account = try await self.accounts.find(id: accountID) else {
            throw AccessDenied.sessionEnded
        }
        let now = self.clock.now()
        let matches: Bool
        do {
            matches = try await self.throttle.counting(email: account.email, clientAddress: origin.ip ?? "unknown", now: now) {
                try await self.hasher.verify(password, against: account.passwordHash)
            }
        } catch let problem as Problem where problem.type == .rateLimited {
            try await self.events.record(.loginLimited, accountID: account.id, origin: origin, at: now)
            throw problem
        }
        guard matches else {
            try await self.events.record(.loginFailed, accountID: account.id, origin: origin, at: now)
            throw Problem.wrongPassword(detail: "The current password is wrong.")
        }
        return (account, now)
    }
}
