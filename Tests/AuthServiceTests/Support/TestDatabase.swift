import Foundation
import Logging
import PostgresNIO
import ServiceSupport

/// Direct access to the tests' PostgreSQL: connections for checking what the service stored,
/// and fresh databases for tests that must not share state with others.
enum TestDatabase {
    /// Runs `body` on a new connection to the database at `url`, then closes it.
    static func withConnection<Value>(to url: String, _ body: (PostgresConnection) async throws -> Value) async throws -> Value {
        let parsed = try DatabaseURL(parsing: url, settingName: "test database URL")
        let configuration = PostgresConnection.Configuration(
            host: parsed.host,
            port: parsed.port,
            username: parsed.username,
            password: parsed.password,
            database: parsed.database,
            tls: .disable
        )
        let connection = try await PostgresConnection.connect(configuration: configuration, id: 1, logger: TestApp.logger)
        do {
            let value = try await body(connection)
            try await connection.close()
            return value
        } catch {
            try? await connection.close()
            throw error
        }
    }

    /// Creates an empty database, runs `body` with its URL, and drops the database afterwards.
    static func withIsolatedDatabase<Value>(_ body: (String) async throws -> Value) async throws -> Value {
        let server = try TestEnvironment.serverURL()
        let name = "auth_test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try await self.withConnection(to: server + "/postgres") { connection in
            _ = try await connection.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"), logger: TestApp.logger)
        }
        let result: Result<Value, any Error>
        do {
            result = .success(try await body(server + "/" + name))
        } catch {
            result = .failure(error)
        }
        try? await self.withConnection(to: server + "/postgres") { connection in
            _ = try await connection.query(PostgresQuery(unsafeSQL: "DROP DATABASE IF EXISTS \(name) WITH (FORCE)"), logger: TestApp.logger)
        }
        return try result.get()
    }
}
