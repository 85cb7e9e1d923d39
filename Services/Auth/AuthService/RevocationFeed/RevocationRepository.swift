import Foundation
import Logging
import PostgresNIO

/// Ends sessions. Every revocation marks the session row, appends a row to `revocations` (with a
/// sequence number: the revocation feed's source) and `NOTIFY`s, all in the caller's transaction.
struct RevocationRepository: Sendable {
    let logger: Logger

    /// Revokes one active session; returns false when it was already revoked or does not exist.
    @discardableResult
    func revoke(sessionID: UUID, reason: RevocationReason, now: Date, on connection: PostgresConnection) async throws -> Bool {
        let rows = try await connection.query(
            """
            UPDATE sessions SET revoked_at = \(now), revoked_reason = \(reason.rawValue)
            WHERE id = \(sessionID) AND revoked_at IS NULL
            RETURNING id, account_id
            """,
            logger: self.logger
        )
        let revoked = try await self.record(rows, reason: reason, now: now, on: connection)
        return !revoked.isEmpty
    }

    /// Revokes every unrevoked session of the account except `keeping`; says how many.
    ///
    /// Set-based, and the ids never leave the database: one statement marks the sessions and notes
    /// their ids in a temporary table, one appends all their revocations from it. 100,000 sessions
    /// take about a second of database time (returning their ids to the service and binding them
    /// back cost seconds more, and tens of seconds on a loaded machine). Row locks first, then the
    /// sequence lock, in the same order as ``revoke(sessionID:reason:now:on:)`` and the callers that
    /// lock a session before revoking it, so the two can never deadlock.
    @discardableResult
    func revokeAll(
        accountID: UUID,
        keeping: UUID?,
        reason: RevocationReason,
        now: Date,
        on connection: PostgresConnection
    ) async throws
        -> MassRevocation
    {
        let keep = keeping ?? UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))
        // Emptied at every commit; emptied here too, for a second mass revocation in one transaction.
        try await connection.query(
            "CREATE TEMPORARY TABLE IF NOT EXISTS latchkey_ended_sessions (id uuid NOT NULL) ON COMMIT DELETE ROWS",
            logger: self.logger
        )
        try await connection.query("DELETE FROM latchkey_ended_sessions", logger: self.logger)
        try await connection.query(
            """
            WITH ended AS (
                UPDATE sessions SET revoked_at = \(now), revoked_reason = \(reason.rawValue)
                WHERE account_id = \(accountID) AND revoked_at IS NULL AND id <> \(keep)
                RETURNING id
            )
            INSERT INTO latchkey_ended_sessions (id) SELECT id FROM ended
            """,
            logger: self.logger
        )
        var count = 0
        for try await ended in try await connection.query("SELECT count(*)::int FROM latchkey_ended_sessions", logger: self.logger)
            .decode(Int.self)
        {
            count = ended
        }
        guard count > 0 else { return MassRevocation(count: 0) }
        try await connection.query("SELECT pg_advisory_xact_lock(\(RevocationFeed.sequenceLockKey))", logger: self.logger)
        try await connection.query(
            """
            INSERT INTO revocations (session_id, account_id, revoked_at, reason)
            SELECT id, \(accountID), \(now), \(reason.rawValue) FROM latchkey_ended_sessions
            """,
            logger: self.logger
        )
        // Delivered on commit to every replica's listener (see RevocationListener).
        try await connection.query("SELECT pg_notify(\(RevocationFeed.channel), '')", logger: self.logger)
        return MassRevocation(count: count)
    }

    private func record(
        _ rows: PostgresRowSequence,
        reason: RevocationReason,
        now: Date,
        on connection: PostgresConnection
    ) async throws
        -> [UUID]
    {
        var revoked: [(UUID, UUID)] = []
        for try await row in rows.decode((UUID, UUID).self) {
            revoked.append(row)
        }
        guard !revoked.isEmpty else { return [] }
        // One writer at a time, so sequence numbers become visible in order and the feed never
        // skips a number that commits late.
        try await connection.query("SELECT pg_advisory_xact_lock(\(RevocationFeed.sequenceLockKey))", logger: self.logger)
        for (sessionID, accountID) in revoked {
            try await connection.query(
                """
                INSERT INTO revocations (session_id, account_id, revoked_at, reason)
                VALUES (\(sessionID), \(accountID), \(now), \(reason.rawValue))
                """,
                logger: self.logger
            )
        }
        // Delivered on commit to every replica's listener (see RevocationListener).
        try await connection.query("SELECT pg_notify(\(RevocationFeed.channel), '')", logger: self.logger)
        return revoked.map(\.0)
    }
}

/// Why a session was revoked, as recorded and published on the revocation feed.
enum RevocationReason: String, Sendable {
    case logout
    case revokedByUser = "revoked"
    case revokedAll = "revoked_all"
    case passwordChanged = "password_changed"
    case refreshTokenReuse = "refresh_token_reuse"
}

/// What a mass revocation ended: how many sessions. Their ids stay in the database (the revocation
/// feed carries them); fetching 100,000 of them into the service only to count them cost seconds.
struct MassRevocation: Sendable {
    let count: Int
}
