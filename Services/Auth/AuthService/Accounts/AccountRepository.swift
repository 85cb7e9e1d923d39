import Foundation
import Logging
import PostgresNIO

/// Accounts in the auth database.
struct AccountRepository: Sendable {
    let client: PostgresClient
    let logger: Logger

    /// Inserts an account; returns nil when the e-mail is taken.
    func create(email: String, passwordHash: String, now: Date) async throws -> Account? {
        let id = UUID()
        let rows = try await self.client.query(
            """
            INSERT INTO accounts (id, email, password_hash, created_at, password_changed_at)
            VALUES (\(id), \(email), \(passwordHash), \(now), \(now))
            ON CONFLICT (email) DO NOTHING
            RETURNING id
            """,
            logger: self.logger
        )
        for try await _ in rows.decode(UUID.self) {
            return Account(id: id, email: email, passwordHash: passwordHash, createdAt: now, sessionEpoch: 0, lockedAt: nil)
        }
        return nil
    }

    func find(email: String) async throws -> Account? {
        try await self.first(
            self.client.query(
                "SELECT id, email, password_hash, created_at, session_epoch, locked_at FROM accounts WHERE email = \(email)",
                logger: self.logger
            )
        )
    }

    func find(id: UUID) async throws -> Account? {
        try await self.first(
            self.client.query(
                "SELECT id, email, password_hash, created_at, session_epoch, locked_at FROM accounts WHERE id = \(id)",
                logger: self.logger
            )
        )
    }

    func updatePassword(accountID: UUID, passwordHash: String, now: Date, on connection: PostgresConnection) async throws {
        try await connection.query(
            """
            UPDATE accounts SET password_hash = \(passwordHash), password_changed_at = \(now), session_epoch = session_epoch + 1
            WHERE id = \(accountID)
            """,
            logger: self.logger
        )
    }

    /// Moves the account's session epoch (revoke-all), under the row lock that a login's session
    /// insert must share (see ``SessionRepository/insert(_:atEpoch:)``).
    func endSessionEpoch(accountID: UUID, on connection: PostgresConnection) async throws {
        try await connection.query("UPDATE accounts SET session_epoch = session_epoch + 1 WHERE id = \(accountID)", logger: self.logger)
    }

    /// Takes the account's row lock for the caller's transaction; false when there is no such account.
    func lock(id: UUID, on connection: PostgresConnection) async throws -> Bool {
        let rows = try await connection.query("SELECT id FROM accounts WHERE id = \(id) FOR UPDATE", logger: self.logger)
        for try await _ in rows.decode(UUID.self) { return true }
        return false
    }

    /// Locks (`at` a time) or unlocks (nil) the account; a lock also moves the session epoch, so a
    /// login under way cannot open a session after it. False when there is no such account.
    func setLocked(accountID: UUID, at lockedAt: Date?, on connection: PostgresConnection) async throws -> Bool {
        let epochStep: Int64 = lockedAt == nil ? 0 : 1
        let rows = try await connection.query(
            """
            UPDATE accounts SET locked_at = \(lockedAt), session_epoch = session_epoch + \(epochStep)
            WHERE id = \(accountID) RETURNING id
            """,
            logger: self.logger
        )
        for try await _ in rows.decode(UUID.self) { return true }
        return false
    }

    /// Deletes the account and, with it (the foreign keys cascade), its sessions and security events,
    /// and the login failures counted against its e-mail: nothing of the account is left in this table
    /// set. The revocation feed keeps the account's id for 30 days, so resource services delete its data.
    func delete(_ account: Account, on connection: PostgresConnection) async throws {
        try await connection.query("DELETE FROM login_failures WHERE email = \(account.email)", logger: self.logger)
        try await connection.query("DELETE FROM accounts WHERE id = \(account.id)", logger: self.logger)
    }

    /// Replaces a hash made at an old `BCRYPT_COST`, unless the password changed in the meantime.
    func rehash(accountID: UUID, from oldHash: String, to newHash: String) async throws {
        try await self.client.query(
            "UPDATE accounts SET password_hash = \(newHash) WHERE id = \(accountID) AND password_hash = \(oldHash)",
            logger: self.logger
        )
    }

    private func first(_ rows: PostgresRowSequence) async throws -> Account? {
        for try await (id, email, hash, createdAt, epoch, lockedAt) in rows.decode((UUID, String, String, Date, Int64, Date?).self) {
            return Account(id: id, email: email, passwordHash: hash, createdAt: createdAt, sessionEpoch: epoch, lockedAt: lockedAt)
        }
        return nil
    }
}

/// A user account as stored. The password hash never leaves the repository layer in a response.
struct Account: Sendable {
    let id: UUID
    let email: String
    let passwordHash: String
    let createdAt: Date
    /// Moves on every password change and revoke-all; a session may be opened only at the epoch
    /// its password was checked in.
    let sessionEpoch: Int64
    /// When an operator locked the account (nil: not locked); a locked account cannot log in.
    let lockedAt: Date?
}
