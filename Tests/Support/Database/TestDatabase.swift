import Foundation
import Logging
import PostgresNIO
import ServiceSupport

/// Direct access to the tests' PostgreSQL: connections for checking what a service stored, and
/// throwaway databases for tests that must not share state (or a migrations table) with others.
package enum TestDatabase {
    /// The logger of these connections: errors only.
    package static let logger: Logger = {
        var logger = Logger(label: "test-database")
        logger.logLevel = .error
        return logger
    }()

    /// Runs `body` on a new connection to the database at `url`, then closes it.
    package static func withConnection<Value>(to url: String, _ body: (PostgresConnection) async throws -> Value) async throws -> Value {
        let parsed = try DatabaseURL(parsing: url, settingName: "test database URL")
        let configuration = PostgresConnection.Configuration(
            host: parsed.host,
            port: parsed.port,
            username: parsed.username,
            password: parsed.password,
            database: parsed.database,
            tls: .disable
        )
        let connection = try await PostgresConnection.connect(configuration: configuration, id: 1, logger: self.logger)
        do {
            let value = try await body(connection)
            try await connection.close()
            return value
        } catch {
            try? await connection.close()
            throw error
        }
    }

    /// Creates an empty database named `prefix` and a random suffix, runs `body` with its URL, and
    /// drops the database afterwards.
    package static func withIsolatedDatabase<Value>(prefix: String = "test_", _ body: (String) async throws -> Value) async throws -> Value {
        let server = try TestEnvironment.serverURL()
        let name = prefix + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try await self.withConnection(to: server + "/postgres") { connection in
            _ = try await connection.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"), logger: self.logger)
        }
        let result: Result<Value, any Error>
        do {
            result = .success(try await body(server + "/" + name))
        } catch {
            result = .failure(error)
        }
        try? await self.withConnection(to: server + "/postgres") { connection in
            _ = try await connection.query(PostgresQuery(unsafeSQL: "DROP DATABASE IF EXISTS \(name) WITH (FORCE)"), logger: self.logger)
        }
        return try result.get()
    }
}
