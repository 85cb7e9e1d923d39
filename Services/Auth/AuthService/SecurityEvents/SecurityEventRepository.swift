import Foundation
import Logging
import PostgresNIO

/// The `security_events` table: written in the transaction of what it records where there is one,
/// read newest first, pruned after `EVENT_RETENTION_SECONDS`. Events go with their account when it
/// is deleted (the foreign key cascades).
struct SecurityEventRepository: Sendable {
    let client: PostgresClient
    let logger: Logger

    /// Records one event on its own.
    func record(_ type: SecurityEventType, accountID: UUID, origin: EventOrigin, at: Date) async throws {
        try await self.client.query(Self.insert(type, accountID: accountID, origin: origin, at: at), logger: self.logger)
    }

    /// Records one event in the caller's transaction.
    func record(_ type: SecurityEventType, accountID: UUID, origin: EventOrigin, at: Date, on connection: PostgresConnection) async throws {
        try await connection.query(Self.insert(type, accountID: accountID, origin: origin, at: at), logger: self.logger)
    }

    /// Records one event for an account known only by its e-mail (a failed or limited login); none
    /// when no account has it.
    func record(_ type: SecurityEventType, email: String, origin: EventOrigin, at: Date) async throws {
        try await self.client.query(
            """
            INSERT INTO security_events (account_id, type, at, session_id, ip, user_agent)
            SELECT id, \(type.rawValue), \(at), \(origin.sessionID), \(origin.ip), \(origin.userAgent)
            FROM accounts WHERE email = \(email)
            """,
            logger: self.logger
        )
    }

    /// Up to `limit` of the account's events older than `before` (all when nil), newest first.
    func page(accountID: UUID, before: Int64?, limit: Int) async throws -> [SecurityEvent] {
        let rows = try await self.client.query(
            """
            SELECT id, type, at, session_id, ip, user_agent FROM security_events
            WHERE account_id = \(accountID) AND id < \(before ?? Int64.max)
            ORDER BY id DESC LIMIT \(limit)
            """,
            logger: self.logger
        )
        var events: [SecurityEvent] = []
        for try await (id, type, at, sessionID, ip, userAgent) in rows.decode((Int64, String, Date, UUID?, String?, String?).self) {
            events.append(SecurityEvent(id: id, type: type, at: at, sessionID: sessionID, ip: ip, userAgent: userAgent))
        }
        return events
    }

    /// Deletes events older than `before`.
    func prune(before: Date) async throws {
        try await self.client.query("DELETE FROM security_events WHERE at < \(before)", logger: self.logger)
    }

    private static func insert(_ type: SecurityEventType, accountID: UUID, origin: EventOrigin, at: Date) -> PostgresQuery {
        """
        INSERT INTO security_events (account_id, type, at, session_id, ip, user_agent)
        VALUES (\(accountID), \(type.rawValue), \(at), \(origin.sessionID), \(origin.ip), \(origin.userAgent))
        """
    }
}
