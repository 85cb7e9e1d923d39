import Foundation
import Logging
import PostgresNIO
import ServiceSupport

/// Notes in the notes database. Every query is scoped to one owner: another user's note is never read.
package struct NoteRepository: Sendable {
    let client: PostgresClient
    let logger: Logger

    package init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    private static let selectColumns = "SELECT seq, id, owner_id, title, body, created_at, updated_at, version FROM notes"

    /// Inserts a note, unless its owner's account was deleted (then `session-ended`: see ``AccountErasure``).
    func create(ownerID: UUID, title: String, body: String, now: Date) async throws -> Note {
        let id = UUID()
        return try await self.client.withTransaction(logger: self.logger) { connection in
            try await AccountErasure.admit(ownerID, on: connection, logger: self.logger)
            let rows = try await connection.query(
                """
                INSERT INTO notes (id, owner_id, title, body, created_at, updated_at, version)
                VALUES (\(id), \(ownerID), \(title), \(body), \(now), \(now), 1)
                RETURNING seq, id, owner_id, title, body, created_at, updated_at, version
                """,
                logger: self.logger
            )
            guard let note = try await Self.all(rows).first else { throw NoteRepositoryError.insertReturnedNothing }
            return note
        }
    }

    /// Deletes every note of a deleted account, in ``AccountErasure``'s transaction.
    @Sendable package static func eraseOwner(_ ownerID: UUID, on connection: PostgresConnection) async throws {
        try await connection.query("DELETE FROM notes WHERE owner_id = \(ownerID)", logger: Logger(label: "notes.erasure"))
    }

    func find(id: UUID, ownerID: UUID) async throws -> Note? {
        try await Self.all(
            self.client.query("\(unescaped: Self.selectColumns) WHERE id = \(id) AND owner_id = \(ownerID)", logger: self.logger)
        ).first
    }

    /// Up to `limit` notes older than the cursor position, newest first.
    func page(ownerID: UUID, before seq: Int64?, limit: Int) async throws -> [Note] {
        let rows = try await self.client.query(
            """
            \(unescaped: Self.selectColumns)
            WHERE owner_id = \(ownerID) AND seq < \(seq ?? Int64.max)
            ORDER BY seq DESC
            LIMIT \(limit)
            """,
            logger: self.logger
        )
        return try await Self.all(rows)
    }

    /// Applies `change` to the owner's note under a row lock, or returns nil when there is no such note.
    func update(id: UUID, ownerID: UUID, now: Date, _ change: (inout Note) throws -> Void) async throws -> Note? {
        try await self.client.withTransaction(logger: self.logger) { connection in
            let rows = try await connection.query(
                "\(unescaped: Self.selectColumns) WHERE id = \(id) AND owner_id = \(ownerID) FOR UPDATE",
                logger: self.logger
            )
            guard var note = try await Self.all(rows).first else { return nil }
            try change(&note)
            note.version += 1
            note.updatedAt = now
            try await connection.query(
                """
                UPDATE notes SET title = \(note.title), body = \(note.body), updated_at = \(note.updatedAt), version = \(note.version)
                WHERE id = \(id)
                """,
                logger: self.logger
            )
            return note
        }
    }

    /// Deletes the owner's note; false when there was none.
    func delete(id: UUID, ownerID: UUID) async throws -> Bool {
        let rows = try await self.client.query(
            "DELETE FROM notes WHERE id = \(id) AND owner_id = \(ownerID) RETURNING id",
            logger: self.logger
        )
        for try await _ in rows.decode(UUID.self) { return true }
        return false
    }

    static func all(_ rows: PostgresRowSequence) async throws -> [Note] {
        var notes: [Note] = []
        for try await row in rows.decode((Int64, UUID, UUID, String, String, Date, Date, Int).self) {
            notes.append(
                Note(seq: row.0, id: row.1, ownerID: row.2, title: row.3, body: row.4, createdAt: row.5, updatedAt: row.6, version: row.7)
            )
        }
        return notes
    }
}

/// A database answer that should not be possible.
enum NoteRepositoryError: Error {
    case insertReturnedNothing
}
