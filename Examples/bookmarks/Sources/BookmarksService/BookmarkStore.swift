import Foundation
import Logging
import PostgresNIO

/// Bookmarks in this service's own PostgreSQL database (never `auth`'s). Every query is scoped to one
/// owner, so another user's bookmark is never read: it is a 404, as if it did not exist.
public struct BookmarkStore: Sendable {
    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// Creates the tables when missing (replicas take turns under an advisory lock), and drops the
    /// tombstones of deletions older than the feed's 30-day replay.
    public func migrate() async throws {
        try await self.client.withTransaction(logger: self.logger) { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(\(Self.migrationLock))", logger: self.logger)
            try await connection.query(
                """
                CREATE TABLE IF NOT EXISTS bookmarks (
                    id uuid PRIMARY KEY,
                    owner_id uuid NOT NULL,
                    url text NOT NULL,
                    title text NOT NULL,
                    created_at timestamptz NOT NULL
                )
                """,
                logger: self.logger
            )
            try await connection.query(
                "CREATE INDEX IF NOT EXISTS bookmarks_by_owner ON bookmarks (owner_id, created_at DESC)",
                logger: self.logger
            )
            try await connection.query(
                "CREATE TABLE IF NOT EXISTS deleted_accounts (account_id uuid PRIMARY KEY, deleted_at timestamptz NOT NULL)",
                logger: self.logger
            )
            try await connection.query("DELETE FROM deleted_accounts WHERE deleted_at < now() - interval '30 days'", logger: self.logger)
        }
    }

    /// The owner's bookmarks, newest first, at most `limit`.
    func list(ownerID: UUID, limit: Int = 100) async throws -> [Bookmark] {
        let rows = try await self.client.query(
            "SELECT id, url, title, created_at FROM bookmarks WHERE owner_id = \(ownerID) ORDER BY created_at DESC, id LIMIT \(limit)",
            logger: self.logger
        )
        var bookmarks: [Bookmark] = []
        for try await (id, url, title, createdAt) in rows.decode((UUID, String, String, Date).self) {
            bookmarks.append(Bookmark(id: id, url: url, title: title, createdAt: createdAt))
        }
        return bookmarks
    }

    /// Inserts a bookmark, or returns nil when the owner's account was deleted.
    ///
    /// The account's lock, taken shared, makes the tombstone check and the insert one step as far as
    /// ``eraseAccount(_:deletedAt:)`` is concerned: a write confirmed just before a deletion either
    /// commits first (and is erased with the rest) or waits and finds the tombstone.
    func create(ownerID: UUID, url: String, title: String) async throws -> Bookmark? {
        let bookmark = Bookmark(id: UUID(), url: url, title: title, createdAt: Date())
        let inserted = try await self.client.withTransaction(logger: self.logger) { connection in
            try await connection.query("SELECT pg_advisory_xact_lock_shared(\(Self.accountLock(ownerID)))", logger: self.logger)
            let rows = try await connection.query(
                """
                INSERT INTO bookmarks (id, owner_id, url, title, created_at)
                SELECT \(bookmark.id), \(ownerID), \(url), \(title), \(bookmark.createdAt)
                WHERE NOT EXISTS (SELECT 1 FROM deleted_accounts WHERE account_id = \(ownerID))
                RETURNING id
                """,
                logger: self.logger
            )
            for try await _ in rows.decode(UUID.self) { return true }
            return false
        }
        return inserted ? bookmark : nil
    }

    /// Deletes the owner's bookmark; false when there was none.
    func delete(id: UUID, ownerID: UUID) async throws -> Bool {
        let rows = try await self.client.query(
            "DELETE FROM bookmarks WHERE id = \(id) AND owner_id = \(ownerID) RETURNING id",
            logger: self.logger
        )
        for try await _ in rows.decode(UUID.self) { return true }
        return false
    }

    /// Deletes every bookmark of a deleted account and records its tombstone, in one transaction under
    /// the account's lock. Idempotent: the feed replays deletions.
    public func eraseAccount(_ accountID: UUID, deletedAt: Date) async throws {
        try await self.client.withTransaction(logger: self.logger) { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(\(Self.accountLock(accountID)))", logger: self.logger)
            try await connection.query(
                "INSERT INTO deleted_accounts (account_id, deleted_at) VALUES (\(accountID), \(deletedAt)) ON CONFLICT DO NOTHING",
                logger: self.logger
            )
            try await connection.query("DELETE FROM bookmarks WHERE owner_id = \(accountID)", logger: self.logger)
        }
    }

    /// Whether the database answers.
    func ping() async -> Bool {
        (try? await self.client.query("SELECT 1", logger: self.logger)) != nil
    }

    private static let migrationLock: Int64 = 0x626F_6F6B_6D61

    /// The advisory lock id of one account: the first 8 bytes of its (random) id.
    private static func accountLock(_ accountID: UUID) -> Int64 {
        withUnsafeBytes(of: accountID.uuid) { $0.loadUnaligned(as: Int64.self) }
    }
}
