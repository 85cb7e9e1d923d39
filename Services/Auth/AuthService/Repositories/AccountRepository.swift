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
            return Account(id: id, email: email, passwordHash: passwordHash, createdAt: now)
        }
        return nil
    }

    func find(email: String) async throws -> Account? {
        try await self.first(
            self.client.query(
                "SELECT id, email, password_hash, created_at FROM accounts WHERE email = \(email)",
                logger: self.logger
            )
        )
    }

    func find(id: UUID) async throws -> Account? {
        try await self.first(
            self.client.query("SELECT id, email, password_hash, created_at FROM accounts WHERE id = \(id)", logger: self.logger)
        )
    }

    func updatePassword(accountID: UUID, passwordHash: String, now: Date, on connection: PostgresConnection) async throws {
        try await connection.query(
            "UPDATE accounts SET password_hash = \(passwordHash), password_changed_at = \(now) WHERE id = \(accountID)",
            logger: self.logger
        )
    }

    private func first(_ rows: PostgresRowSequence) async throws -> Account? {
        for try await (id, email, hash, createdAt) in rows.decode((UUID, String, String, Date).self) {
            return Account(id: id, email: email, passwordHash: hash, createdAt: createdAt)
        }
        return nil
    }
}
