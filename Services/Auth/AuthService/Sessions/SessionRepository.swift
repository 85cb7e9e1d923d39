import Foundation
import Logging
import PostgresNIO
import TokenKit

/// Sessions in the auth database. Methods that take a connection run inside the caller's transaction.
struct SessionRepository: Sendable {
    let client: PostgresClient
    let logger: Logger

    private static let selectColumns = """
        SELECT id, account_id, created_at, last_used_at, idle_expires_at, absolute_expires_at, revoked_at,
               user_agent, ip, refresh_generation, generation_started_at, csrf_hash
        FROM sessions
        """

    /// Inserts a new session, unless the account's session epoch has moved past `epoch` (its password
    /// changed, or all its sessions were ended, after the login read it); then runs `afterInsert` in the
    /// same transaction (the session cap). Returns whether it inserted.
    ///
    /// The account row is locked, which conflicts with the password change's and revoke-all's `UPDATE`
    /// of it: a login that checked the old password either inserts first, and then the change revokes
    /// its session, or waits and sees the new epoch. No session made with an old password outlives the
    /// change. The lock is exclusive, so logins of one account insert (and trim) one at a time: each
    /// sees every session opened before it, and its own is always the newest.
    func insert(
        _ session: SessionRecord,
        atEpoch epoch: Int64,
        afterInsert: (PostgresConnection) async throws -> Void = { _ in }
    ) async throws -> Bool {
        try await self.client.withTransaction(logger: self.logger) { connection in
            let rows = try await connection.query(
                "SELECT session_epoch FROM accounts WHERE id = \(session.accountID) FOR UPDATE",
                logger: self.logger
            )
            var current: Int64?
            for try await value in rows.decode(Int64.self) { current = value }
            guard current == epoch else { return false }
            try await self.insert(session, on: connection)
            try await afterInsert(connection)
            return true
        }
    }

    private func insert(_ session: SessionRecord, on connection: PostgresConnection) async throws {
        try await connection.query(
            """
            INSERT INTO sessions (id, account_id, created_at, last_used_at, idle_expires_at, absolute_expires_at,
                                  user_agent, ip, refresh_generation, generation_started_at, csrf_hash)
            VALUES (\(session.id), \(session.accountID), \(session.createdAt), \(session.lastUsedAt), \(session.idleExpiresAt),
                    \(session.absoluteExpiresAt), \(session.userAgent), \(session.ip), \(session.refreshGeneration),
                    \(session.generationStartedAt), \(session.csrfHash))
            """,
            logger: self.logger
        )
    }

    func find(id: UUID) async throws -> SessionRecord? {
        try await Self.first(self.client.query("\(unescaped: Self.selectColumns) WHERE id = \(id)", logger: self.logger))
    }

    /// Reads and locks the row until the transaction ends: rotations of one session run one at a time.
    func lockForUpdate(id: UUID, on connection: PostgresConnection) async throws -> SessionRecord? {
        try await Self.first(connection.query("\(unescaped: Self.selectColumns) WHERE id = \(id) FOR UPDATE", logger: self.logger))
    }

    /// The account's active sessions, most recently used first.
    func listActive(accountID: UUID, now: Date) async throws -> [SessionRecord] {
        let rows = try await self.client.query(
            """
            \(unescaped: Self.selectColumns)
            WHERE account_id = \(accountID) AND revoked_at IS NULL
              AND idle_expires_at > \(now) AND absolute_expires_at > \(now)
            ORDER BY last_used_at DESC, created_at DESC
            """,
            logger: self.logger
        )
        return try await Self.all(rows)
    }

    /// Moves the session to the next refresh generation and slides its idle expiry.
    func advance(_ session: SessionRecord, on connection: PostgresConnection) async throws {
        try await connection.query(
            """
            UPDATE sessions SET refresh_generation = \(session.refreshGeneration), generation_started_at = \(session.generationStartedAt),
                   last_used_at = \(session.lastUsedAt), idle_expires_at = \(session.idleExpiresAt)
            WHERE id = \(session.id)
            """,
            logger: self.logger
        )
    }

    /// Records use of the session (a grace retry or a reissue) and slides its idle expiry.
    func touch(_ session: SessionRecord, on connection: PostgresConnection) async throws {
        try await connection.query(
            "UPDATE sessions SET last_used_at = \(session.lastUsedAt), idle_expires_at = \(session.idleExpiresAt) WHERE id = \(session.id)",
            logger: self.logger
        )
    }

    static func first(_ rows: PostgresRowSequence) async throws -> SessionRecord? {
        try await self.all(rows).first
    }

    static func all(_ rows: PostgresRowSequence) async throws -> [SessionRecord] {
        var sessions: [SessionRecord] = []
        let decoded = rows.decode(
            (UUID, UUID, Date, Date, Date, Date, Date?, String?, String?, Int64, Date, String).self
        )
        for try await row in decoded {
            sessions.append(
                SessionRecord(
                    id: row.0,
                    accountID: row.1,
                    createdAt: row.2,
                    lastUsedAt: row.3,
                    idleExpiresAt: row.4,
                    absoluteExpiresAt: row.5,
                    revokedAt: row.6,
                    userAgent: row.7,
                    ip: row.8,
                    refreshGeneration: row.9,
                    generationStartedAt: row.10,
                    csrfHash: row.11
                )
            )
        }
        return sessions
    }
}

/// Auth's own session check for its dangerous endpoints: the session row, read from the database.
struct DatabaseSessionStatusChecker: SessionStatusChecker {
    let sessions: SessionRepository
    let clock: AuthClock

    func isSessionActive(_ identity: LocalIdentity) async throws -> Bool {
        guard let session = try await self.sessions.find(id: identity.sessionID) else { return false }
        return session.accountID == identity.userID && session.isActive(at: self.clock.now())
    }
}
