import Foundation
import Logging
import PostgresNIO
import TokenKit

/// Logout, revoke one, revoke all: each in a transaction that also records the revocation and the
/// security event (`logout`, `session-revoked`, `sessions-revoked`).
struct SessionRevocationService: Sendable {
    let client: PostgresClient
    let revocations: RevocationRepository
    let accounts: AccountRepository
    let events: SecurityEventRepository
    let clock: AuthClock
    let logger: Logger

    /// Revokes `sessionID` if it is one of the account's active sessions; false otherwise.
    func revoke(sessionID: UUID, ownedBy accountID: UUID, reason: RevocationReason, origin: EventOrigin) async throws -> Bool {
        let now = self.clock.now()
        let revoked = try await self.client.withTransaction(logger: self.logger) { connection in
            let rows = try await connection.query(
                """
                SELECT id FROM sessions
                WHERE id = \(sessionID) AND account_id = \(accountID) AND revoked_at IS NULL
                  AND idle_expires_at > \(now) AND absolute_expires_at > \(now)
                FOR UPDATE
                """,
                logger: self.logger
            )
            var found = false
            for try await _ in rows.decode(UUID.self) { found = true }
            guard found, try await self.revocations.revoke(sessionID: sessionID, reason: reason, now: now, on: connection) else { return false }
            let type: SecurityEventType = reason == .logout ? .logout : .sessionRevoked
            try await self.events.record(type, accountID: accountID, origin: origin, at: now, on: connection)
            return true
        }
        if revoked {
            self.logger.info("Session revoked", metadata: ["user.id": "\(accountID)", "session.id": "\(sessionID)", "reason": "\(reason.rawValue)"])
        }
        return revoked
    }

    /// Revokes every session of the account, except `keeping` when given; returns how many.
    func revokeAll(accountID: UUID, keeping: UUID?, reason: RevocationReason, origin: EventOrigin) async throws -> Int {
        let now = self.clock.now()
        let revoked = try await self.client.withTransaction(logger: self.logger) { connection in
            // First, so that a login whose password check is under way cannot add a session after the scan.
            try await self.accounts.endSessionEpoch(accountID: accountID, on: connection)
            let revoked = try await self.revocations.revokeAll(accountID: accountID, keeping: keeping, reason: reason, now: now, on: connection)
            try await self.events.record(.sessionsRevoked, accountID: accountID, origin: origin, at: now, on: connection)
            return revoked
        }
        self.logger.info(
            "Sessions revoked",
            metadata: ["user.id": "\(accountID)", "sessions.count": "\(revoked.count)", "reason": "\(reason.rawValue)"]
        )
        return revoked.count
    }
}
