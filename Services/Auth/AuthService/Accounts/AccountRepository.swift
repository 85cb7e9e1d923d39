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
            return Account(id: id, email: email, passwordHash: passwordHash, createdAt: now, sessionEpoch: 0)
        }
        return nil
    }

    func find(email: String) async throws -> Account? {
        try await self.first(
            self.client.query(
                "SELECT id, email, password_hash, created_at, session_epoch FROM accounts WHERE email = \(email)",
                logger: self.logger
            )
        )
    }

    func find(id: UUID) async throws -> Account? {
        try await self.first(
            self.client.query(
                "SELECT id, email, password_hash, created_at, session_epoch FROM accounts WHERE id = \(id)",
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

    /// Replaces a hash made at an old `BCRYPT_COST`, unless the password changed in the meantime.
    func rehash(accountID: UUID, from oldHash: String, to newHash: String) async throws {
        try await self.client.query(
            "UPDATE accounts SET password_hash = \(newHash) WHERE id = \(accountID) AND password_hash = \(oldHash)",
            logger: self.logger
        )
    }

    private func first(_ rows: PostgresRowSequence) async throws -> Account? {
        for try await (id, email, hash, createdAt, epoch) in rows.decode((UUID, String, String, Date, Int64).self) {
            return Account(id: id, email: email, passwordHash: hash, createdAt: createdAt, sessionEpoch: epoch)
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
}
