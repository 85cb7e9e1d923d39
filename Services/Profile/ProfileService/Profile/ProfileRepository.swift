import Foundation
import Logging
import PostgresNIO
import ServiceSupport

/// Profiles in the profile database, one row per user at most.
struct ProfileRepository: Sendable {
    let client: PostgresClient
    let logger: Logger

    /// The user's profile, or all nulls when never set.
    func find(userID: UUID) async throws -> Profile {
        let rows = try await self.client.query(
            "SELECT display_name, bio, updated_at FROM profiles WHERE user_id = \(userID)",
            logger: self.logger
        )
        for try await (displayName, bio, updatedAt) in rows.decode((String?, String?, Date).self) {
            return Profile(userID: userID, displayName: displayName, bio: bio, updatedAt: updatedAt)
        }
        return Profile(userID: userID, displayName: nil, bio: nil, updatedAt: nil)
    }

    /// Creates or replaces the user's profile, unless the account was deleted (then `session-ended`:
    /// see ``AccountErasure``).
    func upsert(userID: UUID, displayName: String?, bio: String?, now: Date) async throws -> Profile {
        try await self.client.withTransaction(logger: self.logger) { connection in
            try await AccountErasure.admit(userID, on: connection, logger: self.logger)
            try await connection.query(
                """
                INSERT INTO profiles (user_id, display_name, bio, updated_at) VALUES (\(userID), \(displayName), \(bio), \(now))
                ON CONFLICT (user_id) DO UPDATE SET display_name = EXCLUDED.display_name, bio = EXCLUDED.bio, updated_at = EXCLUDED.updated_at
                """,
                logger: self.logger
            )
        }
        return Profile(userID: userID, displayName: displayName, bio: bio, updatedAt: now)
    }

    /// Deletes a deleted account's profile, in ``AccountErasure``'s transaction.
    @Sendable static func eraseUser(_ userID: UUID, on connection: PostgresConnection) async throws {
        try await connection.query("DELETE FROM profiles WHERE user_id = \(userID)", logger: Logger(label: "profile.erasure"))
    }
}
