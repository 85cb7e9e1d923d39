/// Settings that differ between stacks; everything else is the harness's standard configuration.
struct StackOptions: Sendable {
    /// `ACCESS_TOKEN_TTL_SECONDS` for `auth`; nil keeps the service's default (300).
    var accessTokenTTLSeconds: Int?
    /// `INTROSPECTION_TIMEOUT_MS` for the resource services.
    var introspectionTimeoutMilliseconds: Int
    /// `SIGNING_KEY_ROTATION_SECONDS` for `auth`; nil keeps the service's default (a week).
    var signingKeyRotationSeconds: Int?
    /// `REFRESH_REUSE_GRACE_SECONDS` for `auth`; nil keeps the service's default (10).
    var refreshReuseGraceSeconds: Int?
    /// `LOG_FORMAT` for every service; nil keeps the default (`text`).
    var logFormat: String?
    /// Gives `auth` an `INTERNAL_PORT` of its own, and points the resource services' `AUTH_URL` at it.
    var separateInternalPort: Bool
    /// `LOG_LEVEL` for every service; nil keeps the harness's `info`.
    var logLevel: String?
    /// More settings for every service (e.g. the `OTEL_*` ones).
    var environment: [String: String]

    init(
        accessTokenTTLSeconds: Int? = nil,
        introspectionTimeoutMilliseconds: Int = 2000,
        signingKeyRotationSeconds: Int? = nil,
        refreshReuseGraceSeconds: Int? = nil,
        logFormat: String? = nil,
        separateInternalPort: Bool = false,
        logLevel: String? = nil,
        environment: [String: String] = [:]
    ) {
        self.accessTokenTTLSeconds = accessTokenTTLSeconds
        self.introspectionTimeoutMilliseconds = introspectionTimeoutMilliseconds
        self.signingKeyRotationSeconds = signingKeyRotationSeconds
        self.refreshReuseGraceSeconds = refreshReuseGraceSeconds
        self.logFormat = logFormat
        self.separateInternalPort = separateInternalPort
        self.logLevel = logLevel
        self.environment = environment
    }
}
