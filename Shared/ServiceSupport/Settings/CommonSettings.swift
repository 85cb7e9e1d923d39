import Logging
import PostgresNIO

/// The settings every service reads: where to listen, its database, logging, issuer and cookies.
public struct CommonSettings: Sendable {
    public var host: String
    public var port: Int
    public var databaseURL: DatabaseURL
    public var logLevel: Logger.Level
    public var logFormat: LogFormat
    public var issuer: String
    public var cookieSecure: Bool
    /// `DATABASE_POOL_SIZE`: the most database connections this process opens.
    public var databasePoolSize: Int

    public init(
        host: String = "127.0.0.1",
        port: Int,
        databaseURL: DatabaseURL,
        logLevel: Logger.Level = .info,
        logFormat: LogFormat = .text,
        issuer: String = "latchkey",
        cookieSecure: Bool = true,
        databasePoolSize: Int = 20
    ) {
        self.host = host
        self.port = port
        self.databaseURL = databaseURL
        self.logLevel = logLevel
        self.logFormat = logFormat
        self.issuer = issuer
        self.cookieSecure = cookieSecure
        self.databasePoolSize = databasePoolSize
    }

    /// Reads `HOST`, `PORT`, `DATABASE_URL`, `DATABASE_POOL_SIZE`, `LOG_LEVEL`, `LOG_FORMAT`, `JWT_ISSUER` and
    /// `COOKIE_SECURE`.
    public init(reader: SettingsReader, defaultPort: Int) throws {
        self.host = reader.string("HOST", default: "127.0.0.1")
        self.port = try reader.integer("PORT", default: defaultPort, in: 0...65535)
        self.databaseURL = try DatabaseURL(parsing: try reader.required("DATABASE_URL"), settingName: "DATABASE_URL")
        let level = reader.string("LOG_LEVEL", default: "info").lowercased()
        guard let logLevel = Logger.Level(rawValue: level) else {
            throw SettingsError(name: "LOG_LEVEL", reason: "must be one of trace, debug, info, notice, warning, error, critical")
        }
        self.logLevel = logLevel
        guard let logFormat = LogFormat(rawValue: reader.string("LOG_FORMAT", default: "text").lowercased()) else {
            throw SettingsError(name: "LOG_FORMAT", reason: "must be text or json")
        }
        self.logFormat = logFormat
        self.issuer = reader.string("JWT_ISSUER", default: "latchkey")
        self.cookieSecure = try reader.boolean("COOKIE_SECURE", default: true)
        self.databasePoolSize = try reader.integer("DATABASE_POOL_SIZE", default: 20, in: 1...1000)
    }

    /// The database client's configuration: `DATABASE_URL` with `DATABASE_POOL_SIZE` connections at most.
    public func databaseClientConfiguration() throws -> PostgresClient.Configuration {
        try self.databaseURL.clientConfiguration(maximumConnections: self.databasePoolSize)
    }
}

/// How log lines are written: readable text, or one JSON object a line for containers.
public enum LogFormat: String, Sendable {
    case text
    case json
}
