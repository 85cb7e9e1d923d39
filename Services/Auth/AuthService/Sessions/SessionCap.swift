import Foundation
import Logging
import PostgresNIO

/// `SESSIONS_PER_ACCOUNT_MAX`: after a login, the account's least recently used sessions beyond
/// the limit end (reason `session_limit`, a `session-limit` event each, and on the feed).
///
/// Held under concurrency: it runs in the login's insert transaction, under the account's row lock
/// (see ``SessionRepository/insert(_:atEpoch:afterInsert:)``), so parallel logins of one account
/// insert and trim one after another, and each keeps its own, newest session.
struct SessionCap: Sendable {
    let revocations: RevocationRepository
    let events: SecurityEventRepository
    let limit: Int
    let logger: Logger

    /// Ends the sessions past the limit, never `keeping` (the login's own), in the caller's transaction;
    /// returns their ids.
    @discardableResult
    func trim(accountID: UUID, keeping: UUID, now: Date, on connection: PostgresConnection) async throws -> [UUID] {
        let rows = try await connection.query(
            """
            SELECT id FROM sessions
            WHERE account_id = \(accountID) AND id <> \(keeping) AND revoked_at IS NULL
              AND idle_expires_at > \(now) AND absolute_expires_at > \(now)
            ORDER BY last_used_at DESC, created_at DESC, id
            OFFSET \(self.limit - 1)
            """,
            logger: self.logger
        )
        var surplus: [UUID] = []
        for try await id in rows.decode(UUID.self) { surplus.append(id) }
        for id in surplus {
            try await self.revocations.revoke(sessionID: id, reason: .sessionLimit, now: now, on: connection)
            try await self.events.record(.sessionLimit, accountID: accountID, origin: EventOrigin(sessionID: id), at: now, on: connection)
        }
        if !surplus.isEmpty {
            self.logger.info("Sessions past the account's limit ended", metadata: ["user.id": "\(accountID)", "sessions.count": "\(surplus.count)"])
        }
        return surplus
    }
}
