import Foundation
import Logging
import PostgresNIO

/// Reads the `revocations` table for the feed, and prunes it.
struct RevocationFeedRepository: Sendable {
    let client: PostgresClient
    let logger: Logger

    /// Up to `limit` revocations with `seq` > `after` made at or after `since`, in order.
    func events(after: Int64, since: Date, limit: Int = 1000) async throws -> [RevocationEvent] {
        let rows = try await self.client.query(
            """
            SELECT seq, session_id, account_id, revoked_at, reason FROM revocations
            WHERE seq > \(after) AND revoked_at >= \(since)
            ORDER BY seq LIMIT \(limit)
            """,
            logger: self.logger
        )
        var events: [RevocationEvent] = []
        for try await (seq, sid, sub, revokedAt, reason) in rows.decode((Int64, UUID, UUID, Date, String).self) {
            events.append(RevocationEvent(seq: seq, sessionID: sid, accountID: sub, revokedAt: revokedAt, reason: reason))
        }
        return events
    }

    /// The highest sequence number so far (0 when there is none).
    func latestSeq() async throws -> Int64 {
        let rows = try await self.client.query("SELECT coalesce(max(seq), 0)::bigint FROM revocations", logger: self.logger)
        for try await seq in rows.decode(Int64.self) { return seq }
        return 0
    }

    /// Deletes revocations made before `before`: their tokens have all expired.
    func prune(before: Date) async throws {
        try await self.client.query("DELETE FROM revocations WHERE revoked_at < \(before)", logger: self.logger)
    }
}
