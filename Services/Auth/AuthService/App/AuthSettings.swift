import Foundation
import ServiceSupport

/// Every setting of the auth service, read from the environment with the contract's defaults.
public struct AuthSettings: Sendable {
    public var common: CommonSettings
    /// The decoded `AUTH_SECRET_KEY`; subkeys for refresh tokens, CSRF tokens and key sealing derive from it.
    public var secretKey: [UInt8]
    /// The decoded `AUTH_SECRET_KEY_PREVIOUS`: what was sealed or MAC'd with the secret before a rotation
    /// keeps working, and signing keys are re-sealed with the new secret at start.
    public var previousSecretKey: [UInt8]?
    public var audience: [String]
    public var accessTokenTTL: Int
    public var refreshIdleTTL: Int
    public var refreshAbsoluteTTL: Int
    public var refreshReuseGrace: Int
    public var selfReissueWindow: Int
    public var signingKeyRotation: Int
    public var bcryptCost: Int
    public var loginFailuresPerEmail: Int
    public var loginFailuresPerClient: Int
    public var loginFailureWindow: Int
    public var signUpsPerClient: Int
    public var signUpWindow: Int
    /// `BCRYPT_QUEUE_MAX`: how many password hashes may wait in each lane of the hashing queue
    /// (logins and `current_password` checks; sign-ups and new passwords) before 503.
    public var bcryptQueueMax: Int
    public var trustedProxies: [IPAddressRange]
    /// Introspection client ids and their secrets.
    public var introspectionClients: [String: String]
    /// `INTERNAL_PORT`: when set, the internal API (and a copy of the JWKS) is served on this port only, so
    /// that a network policy can let just the resource services reach it; unset, it shares `PORT`.
    public var internalPort: Int?
    /// `SESSIONS_PER_ACCOUNT_MAX`: a login past it ends the account's least recently used session.
    public var sessionsPerAccountMax: Int
    /// `EVENT_RETENTION_SECONDS`: security events older than this are deleted.
    public var eventRetention: Int
    /// `ADMIN_CLIENTS`: the admin API's client ids and secrets (empty: the admin API is off).
    public var adminClients: [String: String]

    /// The shortest acceptable `AUTH_SECRET_KEY`, in bytes.
    public static let minimumSecretKeyBytes = 32

    /// Reads the settings; throws a ``SettingsError`` naming the first bad variable.
    public init(environment: [String: String]) throws {
        let reader = SettingsReader(environment: environment)
        self.common = try CommonSettings(reader: reader, defaultPort: 8081)
        self.secretKey = try Self.secretKey(reader.optional("AUTH_SECRET_KEY"))
        self.previousSecretKey = try reader.optional("AUTH_SECRET_KEY_PREVIOUS").map { try Self.secretKey($0, name: "AUTH_SECRET_KEY_PREVIOUS") }
        self.audience = reader.list("JWT_AUDIENCE", default: ["notes", "profile"])
        guard !self.audience.isEmpty else { throw SettingsError(name: "JWT_AUDIENCE", reason: "must name at least one service") }
        self.accessTokenTTL = try reader.integer("ACCESS_TOKEN_TTL_SECONDS", default: 300, in: 10...86_400)
        self.refreshIdleTTL = try reader.integer("REFRESH_IDLE_TTL_SECONDS", default: 1_209_600, in: 60...31_536_000)
        self.refreshAbsoluteTTL = try reader.integer("REFRESH_ABSOLUTE_TTL_SECONDS", default: 2_592_000, in: 60...31_536_000)
        self.refreshReuseGrace = try reader.integer("REFRESH_REUSE_GRACE_SECONDS", default: 10, in: 0...300)
        self.selfReissueWindow = try reader.integer("SELF_REISSUE_WINDOW_SECONDS", default: 0, in: 0...86_400)
        self.signingKeyRotation = try reader.integer("SIGNING_KEY_ROTATION_SECONDS", default: 604_800, in: 2...31_536_000)
        self.bcryptCost = try reader.integer("BCRYPT_COST", default: 12, in: 4...31)
        self.loginFailuresPerEmail = try reader.integer("LOGIN_FAILURES_PER_EMAIL", default: 5, in: 1...1_000_000)
        self.loginFailuresPerClient = try reader.integer("LOGIN_FAILURES_PER_CLIENT", default: 50, in: 1...1_000_000)
        self.loginFailureWindow = try reader.integer("LOGIN_FAILURE_WINDOW_SECONDS", default: 900, in: 1...86_400)
        self.signUpsPerClient = try reader.integer("SIGNUPS_PER_CLIENT", default: 20, in: 1...1_000_000)
        self.signUpWindow = try reader.integer("SIGNUP_WINDOW_SECONDS", default: 3600, in: 1...86_400)
        self.bcryptQueueMax = try reader.integer("BCRYPT_QUEUE_MAX", default: 16, in: 1...10_000)
        self.trustedProxies = try reader.list("TRUSTED_PROXIES", default: ["127.0.0.1/32"]).map { entry in
            guard let range = IPAddressRange(cidr: entry) else {
                throw SettingsError(name: "TRUSTED_PROXIES", reason: "'\(entry)' is not an address or CIDR range")
            }
            return range
        }
        self.introspectionClients = try Self.clients(reader.list("INTROSPECTION_CLIENTS", default: []), name: "INTROSPECTION_CLIENTS")
        let introspectionClients = self.introspectionClients
        self.adminClients = try Self.clients(reader.list("ADMIN_CLIENTS", default: []), name: "ADMIN_CLIENTS")
        if let shared = self.adminClients.keys.sorted().first(where: { introspectionClients[$0] != nil }) {
            throw SettingsError(
                name: "ADMIN_CLIENTS",
                reason: "client id '\(shared)' is also in INTROSPECTION_CLIENTS; admin credentials must be their own"
            )
        }
        self.sessionsPerAccountMax = try reader.integer("SESSIONS_PER_ACCOUNT_MAX", default: 100, in: 1...100_000)
        self.eventRetention = try reader.integer("EVENT_RETENTION_SECONDS", default: 7_776_000, in: 60...315_360_000)
        if reader.optional("INTERNAL_PORT") != nil {
            let port = try reader.integer("INTERNAL_PORT", default: 0, in: 1...65_535)
            guard port != self.common.port else { throw SettingsError(name: "INTERNAL_PORT", reason: "must differ from PORT") }
            self.internalPort = port
        }
    }

    static func secretKey(_ value: String?, name: String = "AUTH_SECRET_KEY") throws -> [UInt8] {
        let help = "must be base64 of at least \(minimumSecretKeyBytes) random bytes (make one with: openssl rand -base64 32)"
        guard let value else { throw SettingsError(name: name, reason: "is required but not set; it \(help)") }
        let standard = value.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        let padded = standard.padding(toLength: (standard.count + 3) / 4 * 4, withPad: "=", startingAt: 0)
        guard let data = Data(base64Encoded: padded) else {
            throw SettingsError(name: name, reason: "is not valid base64; it \(help)")
        }
        guard data.count >= minimumSecretKeyBytes else {
            throw SettingsError(name: name, reason: "is only \(data.count) bytes; it \(help)")
        }
        return Array(data)
    }

    static func clients(_ entries: [String], name: String) throws -> [String: String] {
        var clients: [String: String] = [:]
        for entry in entries {
            let parts = entry.split(separator: ":", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                throw SettingsError(name: name, reason: "entries must look like id:secret, separated by commas")
            }
            clients[parts[0]] = parts[1]
        }
        return clients
    }

    /// How long the JWKS may be cached: a quarter of the rotation period, between 1 s and 5 min.
    public var jwksMaxAge: Int { min(max(self.signingKeyRotation / 4, 1), 300) }
}
