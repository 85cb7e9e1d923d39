import Foundation
import NIOSSL
import PostgresNIO

/// A parsed `postgres://user:password@host:port/database` URL.
///
/// `?sslmode=` is one of libpq's strict modes, honoured as libpq defines them; anything else (including
/// `prefer`, `allow` and misspellings, which would quietly connect without TLS) stops the start:
///
/// | `sslmode` | TLS | certificate checked | host name checked |
/// |---|---|---|---|
/// | `disable` (default) | no | — | — |
/// | `require` | yes | only when `sslrootcert` is given (then as `verify-ca`, as libpq does) | no |
/// | `verify-ca` | yes | against `sslrootcert` | no |
/// | `verify-full` | yes | against `sslrootcert` | yes (the URL's host; an IP address must be in the certificate) |
///
/// `sslrootcert` is a PEM file of trusted CA certificates, or `system` for the system's trust store;
/// `verify-ca` and `verify-full` need it.
public struct DatabaseURL: Sendable, Equatable {
    /// How a connection is secured (libpq's `sslmode`).
    public enum TLSMode: String, Sendable, Equatable, CaseIterable {
        case disable
        case require
        case verifyCA = "verify-ca"
        case verifyFull = "verify-full"
    }

    public var host: String
    public var port: Int
    public var username: String
    public var password: String?
    public var database: String
    public var tlsMode: TLSMode
    /// The trusted CA file (`sslrootcert`), `system`, or nil.
    public var rootCertificate: String?

    /// Whether connections use TLS.
    public var requireTLS: Bool { self.tlsMode != .disable }

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
        let sslMode = components.queryItems?.last { $0.name == "sslmode" }?.value ?? "disable"
        guard let mode = TLSMode(rawValue: sslMode) else {
            let allowed = TLSMode.allCases.map(\.rawValue).joined(separator: ", ")
            throw SettingsError(
                name: settingName,
                reason: "sslmode \"\(sslMode.prefix(32))\" is not supported; use one of \(allowed) (prefer and allow could connect without TLS)"
            )
        }
        self.tlsMode = mode
        self.rootCertificate = components.queryItems?.last { $0.name == "sslrootcert" }?.value.flatMap { $0.isEmpty ? nil : $0 }
        if mode == .verifyCA || mode == .verifyFull, self.rootCertificate == nil {
            throw SettingsError(
                name: settingName,
                reason: "sslmode \(mode.rawValue) needs sslrootcert=<CA file> (or sslrootcert=system) to check the server's certificate"
            )
        }
        if let root = self.rootCertificate, root != "system", !FileManager.default.isReadableFile(atPath: root) {
            throw SettingsError(name: settingName, reason: "sslrootcert \(root) cannot be read")
        }
    }

    /// The same server with another database.
    public func with(database: String) -> DatabaseURL {
        var copy = self
        copy.database = database
        return copy
    }

    /// The TLS configuration for ``tlsMode``, or nil for `disable`.
    public func tlsConfiguration() throws -> TLSConfiguration? {
        guard self.tlsMode != .disable else { return nil }
        var configuration = TLSConfiguration.makeClientConfiguration()
        switch (self.tlsMode, self.rootCertificate) {
        case (.require, nil):
            // libpq's require: encrypted, but any certificate is accepted.
            configuration.certificateVerification = .none
        case (.require, _), (.verifyCA, _):
            configuration.certificateVerification = .noHostnameVerification
        case (.verifyFull, _), (.disable, _):
            configuration.certificateVerification = .fullVerification
        }
        if let root = self.rootCertificate, root != "system" {
            configuration.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(root))
        }
        return configuration
    }

    /// A configuration for a single postgres-nio connection (outside any pool) to this URL.
    public func connectionConfiguration() throws -> PostgresConnection.Configuration {
        PostgresConnection.Configuration(
            host: self.host,
            port: self.port,
            username: self.username,
            password: self.password,
            database: self.database,
            tls: try self.tlsConfiguration().map { .require(try NIOSSLContext(configuration: $0)) } ?? .disable
        )
    }

    /// A postgres-nio client configuration for this URL.
    public func clientConfiguration(maximumConnections: Int = 20) throws -> PostgresClient.Configuration {
        let tls: PostgresClient.Configuration.TLS = try self.tlsConfiguration().map { .require($0) } ?? .disable
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
