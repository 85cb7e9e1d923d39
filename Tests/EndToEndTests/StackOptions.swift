/// Settings that differ between stacks; everything else is the harness's standard configuration.
struct StackOptions: Sendable {
    /// `ACCESS_TOKEN_TTL_SECONDS` for `auth`; nil keeps the service's default (300).
    var accessTokenTTLSeconds: Int?
    /// `INTROSPECTION_TIMEOUT_MS` for the resource services.
    var introspectionTimeoutMilliseconds: Int

    init(accessTokenTTLSeconds: Int? = nil, introspectionTimeoutMilliseconds: Int = 2000) {
        self.accessTokenTTLSeconds = accessTokenTTLSeconds
        self.introspectionTimeoutMilliseconds = introspectionTimeoutMilliseconds
    }
}
