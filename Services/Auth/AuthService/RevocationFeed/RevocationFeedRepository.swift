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

    /// The feed's epoch and the last sequence number handed out (0 when none), sent to every stream on
    /// connect. The sequence, not `max(seq)`: pruning old rows must not look like a restart.
    func epochAndHead() async throws -> (epoch: UUID, head: Int64) {
        let rows = try await self.client.query(
            """
            SELECT (SELECT epoch FROM revocation_feed_epoch ORDER BY created_at LIMIT 1),
                   (SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM revocations_seq_seq)::bigint
            """,
            logger: self.logger
        )
        for try await (epoch, head) in rows.decode((UUID, Int64).self) { return (epoch, head) }
        throw RevocationFeedEpochMissing()
    }

    /// Deletes revocations made before `before`: their tokens have all expired.
    func prune(before: Date) async throws {
        try await self.client.query("DELETE FROM revocations WHERE revoked_at < \(before)", logger: self.logger)
    }
}

/// The epoch row of the revocation feed is missing (the migrations did not run).
struct RevocationFeedEpochMissing: Error {}
