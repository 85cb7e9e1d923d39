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

    /// Revokes every unrevoked session of every account (the operators' kill switch) and records an
    /// `admin-revoked` event for each account that had one; says how many sessions and accounts.
    ///
    /// Set-based like ``revokeAll(accountID:keeping:reason:now:on:)``. Every account's session epoch
    /// moves first, so that no login under way opens a session after the scan.
    func revokeEverySession(reason: RevocationReason, now: Date, on connection: PostgresConnection) async throws -> (sessions: Int, accounts: Int) {
        try await connection.query("UPDATE accounts SET session_epoch = session_epoch + 1", logger: self.logger)
        try await connection.query(
            "CREATE TEMPORARY TABLE IF NOT EXISTS latchkey_ended_everywhere (id uuid NOT NULL, account_id uuid NOT NULL) ON COMMIT DELETE ROWS",
            logger: self.logger
        )
        try await connection.query("DELETE FROM latchkey_ended_everywhere", logger: self.logger)
        try await connection.query(
            """
            WITH ended AS (
                UPDATE sessions SET revoked_at = \(now), revoked_reason = \(reason.rawValue)
                WHERE revoked_at IS NULL
                RETURNING id, account_id
            )
            INSERT INTO latchkey_ended_everywhere (id, account_id) SELECT id, account_id FROM ended
            """,
            logger: self.logger
        )
        var counts = (sessions: 0, accounts: 0)
        let rows = try await connection.query(
            "SELECT count(*)::int, count(DISTINCT account_id)::int FROM latchkey_ended_everywhere",
            logger: self.logger
        )
        for try await (sessions, accounts) in rows.decode((Int, Int).self) { counts = (sessions, accounts) }
        guard counts.sessions > 0 else { return counts }
        try await connection.query(
            """
            INSERT INTO security_events (account_id, type, at)
            SELECT DISTINCT account_id, \(SecurityEventType.adminRevoked.rawValue), \(now) FROM latchkey_ended_everywhere
            """,
            logger: self.logger
        )
        try await connection.query("SELECT pg_advisory_xact_lock(\(RevocationFeed.sequenceLockKey))", logger: self.logger)
        try await connection.query(
            """
            INSERT INTO revocations (session_id, account_id, revoked_at, reason)
            SELECT id, account_id, \(now), \(reason.rawValue) FROM latchkey_ended_everywhere
            """,
            logger: self.logger
        )
        try await connection.query("SELECT pg_notify(\(RevocationFeed.channel), '')", logger: self.logger)
        return counts
    }

    /// Appends the account's deletion to the feed (`event: account-deleted`), after the revocations of
    /// its sessions: every resource service deletes that user's data when it reads it.
    func recordAccountDeletion(accountID: UUID, now: Date, on connection: PostgresConnection) async throws {
        try await connection.query("SELECT pg_advisory_xact_lock(\(RevocationFeed.sequenceLockKey))", logger: self.logger)
        try await connection.query(
            """
            INSERT INTO revocations (kind, session_id, account_id, revoked_at, reason)
            VALUES (\(RevocationEvent.accountDeletedKind), NULL, \(accountID), \(now), \(RevocationReason.accountDeleted.rawValue))
            """,
            logger: self.logger
        )
        try await connection.query("SELECT pg_notify(\(RevocationFeed.channel), '')", logger: self.logger)
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
    case sessionLimit = "session_limit"
    case accountLocked = "account_locked"
    case adminRevoked = "admin_revoked"
    case accountDeleted = "account_deleted"
}

/// What a mass revocation ended: how many sessions. Their ids stay in the database (the revocation
/// feed carries them); fetching 100,000 of them into the service only to count them cost seconds.
struct MassRevocation: Sendable {
    let count: Int
}
