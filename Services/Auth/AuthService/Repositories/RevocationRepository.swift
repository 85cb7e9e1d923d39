import Foundation
import Logging
import PostgresNIO

/// Ends sessions. Every revocation marks the session row and appends a row to `revocations`
/// (with a sequence number, the revocation feed's source) in the caller's transaction.
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
            RETURNING id, account_id
            """,
            logger: self.logger
        )
        return try await self.record(rows, reason: reason, now: now, on: connection)
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
        for (sessionID, accountID) in revoked {
            try await connection.query(
                """
                INSERT INTO revocations (session_id, account_id, revoked_at, reason)
                VALUES (\(sessionID), \(accountID), \(now), \(reason.rawValue))
                """,
                logger: self.logger
            )
        }
        return revoked.map(\.0)
    }
}
