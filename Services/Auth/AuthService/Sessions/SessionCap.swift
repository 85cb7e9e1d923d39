import Foundation
import Logging
import PostgresNIO

/// `SESSIONS_PER_ACCOUNT_MAX`: after a login, the account's least recently used sessions beyond
/// the limit end (reason `session_limit`, a `session-limit` event each, and on the feed).
///
/// Held under concurrency: each run locks the account row first, so parallel logins of one account
/// trim one after another, and the last of them sees every session the others opened.
struct SessionCap: Sendable {
    let client: PostgresClient
    let revocations: RevocationRepository
    let events: SecurityEventRepository
    let limit: Int
    let logger: Logger

    /// Ends the sessions past the limit, never `keeping` (the login's own); returns their ids.
    @discardableResult
    func trim(accountID: UUID, keeping: UUID, now: Date) async throws -> [UUID] {
        let ended = try await self.client.withTransaction(logger: self.logger) { connection in
            try await connection.query("SELECT 1 FROM accounts WHERE id = \(accountID) FOR UPDATE", logger: self.logger)
            let rows = try await connection.query(
                """
                SELECT id FROM sessions
                WHERE account_id = \(accountID) AND id <> \(keeping) AND revoked_at IS NULL
                  AND idle_expires_at > \(now) AND absolute_expires_at > \(now)
                ORDER BY last_used_at DESC, created_at DESC
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
            return surplus
        }
        if !ended.isEmpty {
            self.logger.info("Sessions past the account's limit ended", metadata: ["user.id": "\(accountID)", "sessions.count": "\(ended.count)"])
        }
        return ended
    }
}
