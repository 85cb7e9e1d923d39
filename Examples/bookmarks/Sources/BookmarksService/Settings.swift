import Foundation
import Logging
import PostgresNIO

/// The service's settings, read from the environment with the names the Latchkey services use.
///
/// An empty value counts as unset. A required setting that is missing, or a value that does not
/// parse, stops the start with a ``SettingsError`` that names the variable.
public struct Settings: Sendable {
    /// Where to listen (`HOST`, `PORT`).
    public var host: String
    public var port: Int
    /// `postgres://user:password@host:port/database` (`DATABASE_URL`, required).
    public var database: DatabaseSettings
    /// Where the JWKS, introspection and the revocation feed are (`AUTH_URL`): auth's internal port
    /// when it has one.
    public var authURL: String
    /// The name this service requires in a token's `aud` (`SERVICE_NAME`).
    public var serviceName: String
    /// The exact `iss` required (`JWT_ISSUER`).
    public var issuer: String
    /// This service's entry in auth's `INTROSPECTION_CLIENTS` (`INTROSPECTION_CLIENT_ID`, `…_SECRET`).
    public var introspectionClientID: String
    public var introspectionClientSecret: String
    /// The longest a session confirmation may take, head and body (`INTROSPECTION_TIMEOUT_MS`).
    public var introspectionTimeout: Duration
    /// Which access and CSRF cookie names are ours: `__Host-…` or plain (`COOKIE_SECURE`).
    public var cookieSecure: Bool
    public var logLevel: Logger.Level

    public init(environment: [String: String]) throws {
        let values = environment.filter { !$0.value.isEmpty }
        self.host = values["HOST"] ?? "127.0.0.1"
        self.port = try Self.integer(values, "PORT", default: 8084, in: 1...65_535)
        guard let databaseURL = values["DATABASE_URL"] else { throw SettingsError(name: "DATABASE_URL", reason: "is required but not set") }
        self.database = try DatabaseSettings(url: databaseURL)
        self.authURL = values["AUTH_URL"] ?? "http://127.0.0.1:8081"
        guard self.authURL.hasPrefix("http://") || self.authURL.hasPrefix("https://") else {
            throw SettingsError(name: "AUTH_URL", reason: "must be an http:// or https:// URL")
        }
        self.serviceName = values["SERVICE_NAME"] ?? "bookmarks"
        self.issuer = values["JWT_ISSUER"] ?? "latchkey"
        guard let clientID = values["INTROSPECTION_CLIENT_ID"] else {
            throw SettingsError(name: "INTROSPECTION_CLIENT_ID", reason: "is required but not set")
        }
        guard let clientSecret = values["INTROSPECTION_CLIENT_SECRET"] else {
            throw SettingsError(name: "INTROSPECTION_CLIENT_SECRET", reason: "is required but not set")
        }
        self.introspectionClientID = clientID
        self.introspectionClientSecret = clientSecret
        self.introspectionTimeout = .milliseconds(try Self.integer(values, "INTROSPECTION_TIMEOUT_MS", default: 2000, in: 10...60_000))
        switch values["COOKIE_SECURE"]?.lowercased() {
        case nil, "true": self.cookieSecure = true
        case "false": self.cookieSecure = false
        default: throw SettingsError(name: "COOKIE_SECURE", reason: "must be true or false")
        }
        guard let level = Logger.Level(rawValue: values["LOG_LEVEL"]?.lowercased() ?? "info") else {
            throw SettingsError(name: "LOG_LEVEL", reason: "must be one of trace, debug, info, notice, warning, error, critical")
        }
        self.logLevel = level
    }

    private static func integer(_ values: [String: String], _ name: String, default value: Int, in range: ClosedRange<Int>) throws -> Int {
        guard let raw = values[name] else { return value }
        guard let number = Int(raw), range.contains(number) else {
            throw SettingsError(name: name, reason: "must be a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return number
    }
}

/// `DATABASE_URL`, parsed: `postgres://user:password@host:port/database`, with `?sslmode=disable` (the
/// default) or `?sslmode=verify-full` (TLS, the certificate checked against the system's trust store).
///
/// The Latchkey services also take `require`, `verify-ca` and a `sslrootcert` file; this example keeps
/// to the two modes that need no explanation, and refuses the rest rather than connect without TLS.
public struct DatabaseSettings: Sendable, Equatable {
    public var host: String
    public var port: Int
    public var username: String
    public var password: String?
    public var database: String
    public var tls: Bool

    public init(url: String) throws {
        guard let components = URLComponents(string: url), components.scheme == "postgres" || components.scheme == "postgresql",
            let host = components.host, !host.isEmpty, let username = components.user, !username.isEmpty
        else { throw SettingsError(name: "DATABASE_URL", reason: "must look like postgres://user:password@host:port/database") }
        let database = String(components.path.drop { $0 == "/" })
        guard !database.isEmpty else { throw SettingsError(name: "DATABASE_URL", reason: "must name a database after the host") }
        switch components.queryItems?.last(where: { $0.name == "sslmode" })?.value ?? "disable" {
        case "disable": self.tls = false
        case "verify-full": self.tls = true
        default: throw SettingsError(name: "DATABASE_URL", reason: "sslmode must be disable or verify-full in this example")
        }
        self.host = host
        self.port = components.port ?? 5432
        self.username = username.removingPercentEncoding ?? username
        self.password = components.password.map { $0.removingPercentEncoding ?? $0 }
        self.database = database
    }

    /// The postgres-nio client configuration.
    public var clientConfiguration: PostgresClient.Configuration {
        PostgresClient.Configuration(
            host: self.host,
            port: self.port,
            username: self.username,
            password: self.password,
            database: self.database,
            tls: self.tls ? .require(.makeClientConfiguration()) : .disable
        )
    }
}

/// A setting that is missing or does not parse; the message names the variable, never its value.
public struct SettingsError: Error, CustomStringConvertible, Equatable {
    public let name: String
    public let reason: String

    public init(name: String, reason: String) {
        self.name = name
        self.reason = reason
    }

    public var description: String { "\(self.name) \(self.reason)" }
}
