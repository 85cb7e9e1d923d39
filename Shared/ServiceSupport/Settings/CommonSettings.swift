import Logging

/// The settings every service reads: where to listen, its database, logging, issuer and cookies.
public struct CommonSettings: Sendable {
    public var host: String
    public var port: Int
    public var databaseURL: DatabaseURL
    public var logLevel: Logger.Level
    public var logFormat: LogFormat
    public var issuer: String
    public var cookieSecure: Bool

    public init(
        host: String = "127.0.0.1",
        port: Int,
        databaseURL: DatabaseURL,
        logLevel: Logger.Level = .info,
        logFormat: LogFormat = .text,
        issuer: String = "latchkey",
        cookieSecure: Bool = true
    ) {
        self.host = host
        self.port = port
        self.databaseURL = databaseURL
        self.logLevel = logLevel
        self.logFormat = logFormat
        self.issuer = issuer
        self.cookieSecure = cookieSecure
    }

    /// Reads `HOST`, `PORT`, `DATABASE_URL`, `LOG_LEVEL`, `LOG_FORMAT`, `JWT_ISSUER` and `COOKIE_SECURE`.
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
    }
}

/// How log lines are written: readable text, or one JSON object a line for containers.
public enum LogFormat: String, Sendable {
    case text
    case json
}
