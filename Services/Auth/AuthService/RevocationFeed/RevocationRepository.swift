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

    /// Revokes every unrevoked session of the account except `keeping`; returns the revoked ids.
    ///
    /// Set-based: one statement marks the sessions, one appends all their revocations (100,000
    /// sessions take seconds, not a round trip each). Row locks first, then the sequence lock, in
    /// the same order as ``revoke(sessionID:reason:now:on:)`` and the callers that lock a session
    /// before revoking it, so the two can never deadlock.
    @discardableResult
    func revokeAll(
        accountID: UUID,
        keeping: UUID?,
        reason: RevocationReason,
        now: Date,
        on connection: PostgresConnection
    ) async throws
        -> [UUID]
    {
        let keep = keeping ?? UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))
        let rows = try await connection.query(
            """
            UPDATE sessions SET revoked_at = \(now), revoked_reason = \(reason.rawValue)
            WHERE account_id = \(accountID) AND revoked_at IS NULL AND id <> \(keep)
            RETURNING id
            """,
            logger: self.logger
        )
        var revoked: [UUID] = []
        for try await sessionID in rows.decode(UUID.self) {
            revoked.append(sessionID)
        }
        guard !revoked.isEmpty else { return [] }
        try await connection.query("SELECT pg_advisory_xact_lock(\(RevocationFeed.sequenceLockKey))", logger: self.logger)
        try await connection.query(
            """
            INSERT INTO revocations (session_id, account_id, revoked_at, reason)
            SELECT id, \(accountID), \(now), \(reason.rawValue) FROM unnest(\(revoked)::uuid[]) AS ended (id)
            """,
            logger: self.logger
        )
        // Delivered on commit to every replica's listener (see RevocationListener).
        try await connection.query("SELECT pg_notify(\(RevocationFeed.channel), '')", logger: self.logger)
        return revoked
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
