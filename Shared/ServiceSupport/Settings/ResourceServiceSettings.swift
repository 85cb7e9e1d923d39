/// The settings of a resource service (`notes`, `profile`): the common ones plus how to reach `auth`.
public struct ResourceServiceSettings: Sendable {
    public var common: CommonSettings
    /// The name this service looks for in a token's `aud`.
    public var serviceName: String
    /// Where JWKS, introspection and the revocation feed are.
    public var authURL: String
    public var introspectionClientID: String
    public var introspectionClientSecret: String
    /// The longest a session confirmation may take before the write fails closed.
    public var introspectionTimeoutMilliseconds: Int

    /// Reads `SERVICE_NAME`, `AUTH_URL`, `INTROSPECTION_CLIENT_ID`, `INTROSPECTION_CLIENT_SECRET`,
    /// `INTROSPECTION_TIMEOUT_MS` and the common settings.
    public init(environment: [String: String], defaultPort: Int, defaultServiceName: String) throws {
        let reader = SettingsReader(environment: environment)
        self.common = try CommonSettings(reader: reader, defaultPort: defaultPort)
        self.serviceName = reader.string("SERVICE_NAME", default: defaultServiceName)
        self.authURL = reader.string("AUTH_URL", default: "http://127.0.0.1:8081")
        guard self.authURL.hasPrefix("http://") || self.authURL.hasPrefix("https://") else {
            throw SettingsError(name: "AUTH_URL", reason: "must be an http:// or https:// URL")
        }
        self.introspectionClientID = try reader.required("INTROSPECTION_CLIENT_ID")
        self.introspectionClientSecret = try reader.required("INTROSPECTION_CLIENT_SECRET")
        self.introspectionTimeoutMilliseconds = try reader.integer("INTROSPECTION_TIMEOUT_MS", default: 2000, in: 10...60_000)
    }
}
