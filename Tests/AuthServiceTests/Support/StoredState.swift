import Foundation
import NIOCore
import PostgresNIO
import TestSupport
import Testing

/// What the service stored, read straight from its tables.
enum StoredState {
    /// One session row's rotation and revocation state.
    struct Session: Sendable {
        let generation: Int64
        let revoked: Bool
    }

    /// One stored signing key.
    struct Key: Sendable {
        let kid: String
        let sealed: [UInt8]
    }

    /// How many accounts have exactly this e-mail.
    static func accountCount(email: String, databaseURL: String? = nil) async throws -> Int {
        try await TestDatabase.withConnection(to: databaseURL ?? TestEnvironment.databaseURL()) { connection in
            let rows = try await connection.query("SELECT count(*) FROM accounts WHERE email = \(email)", logger: TestApp.logger)
            var count: Int64 = 0
            for try await value in rows.decode(Int64.self) { count = value }
            return Int(count)
        }
    }

    /// How many accounts have an e-mail containing `text`.
    static func accountCount(containing text: String) async throws -> Int {
        try await TestDatabase.withConnection(to: TestEnvironment.databaseURL()) { connection in
            let rows = try await connection.query("SELECT count(*) FROM accounts WHERE strpos(email, \(text)) > 0", logger: TestApp.logger)
            var count: Int64 = 0
            for try await value in rows.decode(Int64.self) { count = value }
            return Int(count)
        }
    }

    /// The stored password hash of the account with this e-mail.
    static func passwordHash(email: String) async throws -> String? {
        try await TestDatabase.withConnection(to: TestEnvironment.databaseURL()) { connection in
            let rows = try await connection.query("SELECT password_hash FROM accounts WHERE email = \(email)", logger: TestApp.logger)
            for try await hash in rows.decode(String.self) { return hash }
            return nil
        }
    }

    /// The session row with this id.
    static func session(id: String, databaseURL: String? = nil) async throws -> Session? {
        guard let uuid = UUID(uuidString: id) else { return nil }
        return try await TestDatabase.withConnection(to: databaseURL ?? TestEnvironment.databaseURL()) { connection in
            let rows = try await connection.query(
                "SELECT refresh_generation, revoked_at IS NOT NULL FROM sessions WHERE id = \(uuid)",
                logger: TestApp.logger
            )
            for try await (generation, revoked) in rows.decode((Int64, Bool).self) {
                return Session(generation: generation, revoked: revoked)
            }
            return nil
        }
    }

    /// How many revocations (the revocation feed's rows) name this session.
    static func revocationCount(sessionID: String, databaseURL: String? = nil) async throws -> Int {
        guard let uuid = UUID(uuidString: sessionID) else { return 0 }
        return try await TestDatabase.withConnection(to: databaseURL ?? TestEnvironment.databaseURL()) { connection in
            let rows = try await connection.query("SELECT count(*) FROM revocations WHERE session_id = \(uuid)", logger: TestApp.logger)
            var count: Int64 = 0
            for try await value in rows.decode(Int64.self) { count = value }
            return Int(count)
        }
    }

    /// Every stored signing key.
    static func signingKeys(databaseURL: String) async throws -> [Key] {
        try await TestDatabase.withConnection(to: databaseURL) { connection in
            let rows = try await connection.query("SELECT kid, sealed_private_key FROM signing_keys", logger: TestApp.logger)
            var keys: [Key] = []
            for try await (kid, sealed) in rows.decode((String, ByteBuffer).self) {
                keys.append(Key(kid: kid, sealed: Array(buffer: sealed)))
            }
            return keys
        }
    }
}

extension StoredState {
    /// How many rows of each auth table still name the account (by id, or by e-mail where a table
    /// keeps the e-mail), for the deletion tests: "nothing of the user is left".
    static func traces(accountID: String, email: String, databaseURL: String? = nil) async throws -> [String: Int] {
        let id = try #require(UUID(uuidString: accountID))
        return try await TestDatabase.withConnection(to: databaseURL ?? TestEnvironment.databaseURL()) { connection in
            let rows = try await connection.query(
                """
                SELECT (SELECT count(*) FROM accounts WHERE id = \(id) OR email = \(email)),
                       (SELECT count(*) FROM sessions WHERE account_id = \(id)),
                       (SELECT count(*) FROM security_events WHERE account_id = \(id)),
                       (SELECT count(*) FROM login_failures WHERE email = \(email)),
                       (SELECT count(*) FROM revocations WHERE account_id = \(id) AND kind = 'revoked'),
                       (SELECT count(*) FROM revocations WHERE account_id = \(id) AND kind = 'account-deleted')
                """,
                logger: TestApp.logger
            )
            for try await (accounts, sessions, events, failures, revocations, deletions) in rows.decode(
                (Int64, Int64, Int64, Int64, Int64, Int64).self
            ) {
                return [
                    "accounts": Int(accounts), "sessions": Int(sessions), "security_events": Int(events),
                    "login_failures": Int(failures), "revocations": Int(revocations), "account_deletions": Int(deletions),
                ]
            }
            return [:]
        }
    }
}
