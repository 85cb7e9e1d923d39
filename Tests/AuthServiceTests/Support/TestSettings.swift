import AuthService
import Foundation
import TestSupport

/// Builds the auth service's settings for a test from the contract's variable names.
///
/// Every test gets fast bcrypt, the two introspection clients and, unless it overrides them,
/// per-client login and sign-up limits too high to trip: in router mode every request comes from the same
/// unknown address, so a shared limit would couple unrelated tests.
enum TestSettings {
    /// The `AUTH_SECRET_KEY` of every app on the shared database. Signing keys there are sealed
    /// with it, so all apps of one test run must agree on it. A database kept between runs needs
    /// the same key every time: set `LATCHKEY_TEST_AUTH_SECRET_KEY` for that.
    static let sharedSecretKey = ProcessInfo.processInfo.environment["LATCHKEY_TEST_AUTH_SECRET_KEY"] ?? randomSecretKey()

    /// The introspection clients every test app knows.
    static let introspectionClients = "notes:notes-secret,profile:profile-secret"

    /// Base64 of `bytes` random bytes.
    static func randomSecretKey(bytes: Int = 32) -> String {
        Data((0..<bytes).map { _ in UInt8.random(in: 0...255) }).base64EncodedString()
    }

    /// The environment of a test app: the defaults above, then `overrides` (an empty value unsets).
    static func environment(databaseURL: String? = nil, _ overrides: [String: String] = [:]) throws -> [String: String] {
        var environment = [
            "DATABASE_URL": try databaseURL ?? TestEnvironment.databaseURL(),
            "AUTH_SECRET_KEY": sharedSecretKey,
            "BCRYPT_COST": "4",
            "INTROSPECTION_CLIENTS": introspectionClients,
            "LOGIN_FAILURES_PER_CLIENT": "1000000",
            "SIGNUPS_PER_CLIENT": "1000000",
            "COOKIE_SECURE": "true",
        ]
        environment.merge(overrides) { _, new in new }
        return environment
    }

    /// The settings of a test app.
    static func make(databaseURL: String? = nil, _ overrides: [String: String] = [:]) throws -> AuthSettings {
        try AuthSettings(environment: self.environment(databaseURL: databaseURL, overrides))
    }
}
