import Foundation
import Logging
import PostgresNIO

/// Reads the `revocations` table for the feed, and prunes it.
struct RevocationFeedRepository: Sendable {
    let client: PostgresClient
    let logger: Logger

    /// Up to `limit` events with `seq` > `after`, in order: revocations made at or after `since`, and
    /// account deletions made at or after `deletionsSince` (they are replayed far longer).
    func events(after: Int64, since: Date, deletionsSince: Date, limit: Int = 1000) async throws -> [RevocationEvent] {
        let rows = try await self.client.query(
            """
            SELECT seq, kind, session_id, account_id, revoked_at, reason FROM revocations
            WHERE seq > \(after)
              AND (revoked_at >= \(since) OR (kind = \(RevocationEvent.accountDeletedKind) AND revoked_at >= \(deletionsSince)))
            ORDER BY seq LIMIT \(limit)
            """,
            logger: self.logger
        )
        var events: [RevocationEvent] = []
        for try await (seq, kind, sid, sub, at, reason) in rows.decode((Int64, String, UUID?, UUID, Date, String).self) {
            if kind == RevocationEvent.accountDeletedKind {
                events.append(RevocationEvent(seq: seq, kind: .accountDeleted, accountID: sub, at: at))
            } else if let sid {
                events.append(RevocationEvent(seq: seq, kind: .revoked(sessionID: sid, reason: reason), accountID: sub, at: at))
            }
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

    /// Deletes revocations made before `before` (their tokens have all expired) and account deletions
    /// made before `deletionsBefore`.
    func prune(before: Date, deletionsBefore: Date) async throws {
        try await self.client.query(
            """
            DELETE FROM revocations WHERE revoked_at < \(before)
              AND (kind <> \(RevocationEvent.accountDeletedKind) OR revoked_at < \(deletionsBefore))
            """,
            logger: self.logger
        )
    }
}

/// The epoch row of the revocation feed is missing (the migrations did not run).
struct RevocationFeedEpochMissing: Error {}
