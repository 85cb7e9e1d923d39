import Foundation
import NIOSSL
import PostgresNIO

/// A parsed `postgres://user:password@host:port/database` URL.
///
/// `?sslmode=disable|prefer|require` chooses TLS (default: disable, for loopback and private networks).
public struct DatabaseURL: Sendable, Equatable {
    public var host: String
    public var port: Int
    public var username: String
    public var password: String?
    public var database: String
    public var requireTLS: Bool

    public init(parsing string: String, settingName: String = "DATABASE_URL") throws {
        guard let components = URLComponents(string: string),
            components.scheme == "postgres" || components.scheme == "postgresql",
            let host = components.host, !host.isEmpty,
            let username = components.user, !username.isEmpty
        else {
            throw SettingsError(name: settingName, reason: "must look like postgres://user:password@host:port/database")
        }
        let database = String(components.path.drop { $0 == "/" })
        guard !database.isEmpty else {
            throw SettingsError(name: settingName, reason: "must name a database after the host, like postgres://user@host:5432/auth")
        }
        self.host = host
        self.port = components.port ?? 5432
        self.username = username.removingPercentEncoding ?? username
        self.password = components.password.map { $0.removingPercentEncoding ?? $0 }
        self.database = database
        let sslMode = components.queryItems?.first { $0.name == "sslmode" }?.value ?? "disable"
        self.requireTLS = sslMode == "require" || sslMode == "verify-full"
    }

    /// The same server with another database.
    public func with(database: String) -> DatabaseURL {
        var copy = self
        copy.database = database
        return copy
    }

    /// A configuration for a single postgres-nio connection (outside any pool) to this URL.
    public func connectionConfiguration() throws -> PostgresConnection.Configuration {
        PostgresConnection.Configuration(
            host: self.host,
            port: self.port,
            username: self.username,
            password: self.password,
            database: self.database,
            tls: self.requireTLS ? .require(try NIOSSLContext(configuration: .makeClientConfiguration())) : .disable
        )
    }

    /// A postgres-nio client configuration for this URL.
    public func clientConfiguration(maximumConnections: Int = 20) throws -> PostgresClient.Configuration {
        let tls: PostgresClient.Configuration.TLS = self.requireTLS ? .require(.makeClientConfiguration()) : .disable
        var configuration = PostgresClient.Configuration(
            host: self.host,
            port: self.port,
            username: self.username,
            password: self.password,
            database: self.database,
            tls: tls
        )
        configuration.options.maximumConnections = maximumConnections
        configuration.options.connectTimeout = .seconds(3)
        return configuration
    }
}
