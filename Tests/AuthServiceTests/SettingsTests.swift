import AuthService
import Foundation
import Logging
import ServiceSupport
import TestSupport
import Testing

/// `AuthSettings(environment:)`: the contract's defaults, and a `SettingsError` naming each bad variable.
@Suite struct SettingsTests {
    static let databaseURL = "postgres://latchkey@127.0.0.1:5432/auth"
    /// The smallest valid environment: only the required variables.
    static let minimal = ["DATABASE_URL": databaseURL, "AUTH_SECRET_KEY": TestSettings.randomSecretKey()]

    /// A bad environment and the variable its error must name.
    struct BadCase: Sendable, CustomTestStringConvertible {
        let name: String
        let changes: [String: String?]
        let variable: String

        var testDescription: String { self.name }

        /// The minimal valid environment with `changes` applied (nil removes a variable).
        var environment: [String: String] {
            var environment = SettingsTests.minimal
            for (key, value) in self.changes {
                environment[key] = value
            }
            return environment
        }
    }

    /// Bad environments, one bad variable each.
    static let badCases: [BadCase] = [
        BadCase(name: "missing DATABASE_URL", changes: ["DATABASE_URL": nil], variable: "DATABASE_URL"),
        BadCase(name: "DATABASE_URL of another scheme", changes: ["DATABASE_URL": "mysql://x@h/db"], variable: "DATABASE_URL"),
        BadCase(name: "missing AUTH_SECRET_KEY", changes: ["AUTH_SECRET_KEY": nil], variable: "AUTH_SECRET_KEY"),
        BadCase(name: "empty AUTH_SECRET_KEY", changes: ["AUTH_SECRET_KEY": ""], variable: "AUTH_SECRET_KEY"),
        BadCase(name: "16-byte AUTH_SECRET_KEY", changes: ["AUTH_SECRET_KEY": TestSettings.randomSecretKey(bytes: 16)], variable: "AUTH_SECRET_KEY"),
        BadCase(name: "31-byte AUTH_SECRET_KEY", changes: ["AUTH_SECRET_KEY": TestSettings.randomSecretKey(bytes: 31)], variable: "AUTH_SECRET_KEY"),
        BadCase(name: "non-base64 AUTH_SECRET_KEY", changes: ["AUTH_SECRET_KEY": "this is not base64 at all!!"], variable: "AUTH_SECRET_KEY"),
        BadCase(name: "BCRYPT_COST=3", changes: ["BCRYPT_COST": "3"], variable: "BCRYPT_COST"),
        BadCase(name: "BCRYPT_COST=twelve", changes: ["BCRYPT_COST": "twelve"], variable: "BCRYPT_COST"),
        BadCase(name: "TRUSTED_PROXIES of a word", changes: ["TRUSTED_PROXIES": "proxy.internal"], variable: "TRUSTED_PROXIES"),
        BadCase(name: "TRUSTED_PROXIES prefix too long", changes: ["TRUSTED_PROXIES": "10.0.0.0/33"], variable: "TRUSTED_PROXIES"),
        BadCase(name: "TRUSTED_PROXIES second entry bad", changes: ["TRUSTED_PROXIES": "127.0.0.1/32,10.0.0.0/x"], variable: "TRUSTED_PROXIES"),
        BadCase(name: "TRUSTED_PROXIES empty prefix", changes: ["TRUSTED_PROXIES": "10.0.0.1/"], variable: "TRUSTED_PROXIES"),
        BadCase(name: "TRUSTED_PROXIES slash only", changes: ["TRUSTED_PROXIES": "/"], variable: "TRUSTED_PROXIES"),
        BadCase(name: "INTROSPECTION_CLIENTS without secret", changes: ["INTROSPECTION_CLIENTS": "notes"], variable: "INTROSPECTION_CLIENTS"),
        BadCase(name: "INTROSPECTION_CLIENTS empty secret", changes: ["INTROSPECTION_CLIENTS": "notes:"], variable: "INTROSPECTION_CLIENTS"),
        BadCase(name: "INTROSPECTION_CLIENTS empty id", changes: ["INTROSPECTION_CLIENTS": "notes:a,:b"], variable: "INTROSPECTION_CLIENTS"),
        BadCase(name: "COOKIE_SECURE=maybe", changes: ["COOKIE_SECURE": "maybe"], variable: "COOKIE_SECURE"),
        BadCase(name: "ACCESS_TOKEN_TTL_SECONDS=-1", changes: ["ACCESS_TOKEN_TTL_SECONDS": "-1"], variable: "ACCESS_TOKEN_TTL_SECONDS"),
        BadCase(name: "PORT=70000", changes: ["PORT": "70000"], variable: "PORT"),
        BadCase(name: "INTERNAL_PORT=0", changes: ["INTERNAL_PORT": "0"], variable: "INTERNAL_PORT"),
        BadCase(name: "INTERNAL_PORT of a word", changes: ["INTERNAL_PORT": "internal"], variable: "INTERNAL_PORT"),
        BadCase(name: "INTERNAL_PORT equal to PORT", changes: ["INTERNAL_PORT": "8081"], variable: "INTERNAL_PORT"),
        BadCase(name: "DATABASE_POOL_SIZE=0", changes: ["DATABASE_POOL_SIZE": "0"], variable: "DATABASE_POOL_SIZE"),
        BadCase(
            name: "ADMIN_CLIENTS sharing an introspection id",
            changes: ["INTROSPECTION_CLIENTS": "notes:s", "ADMIN_CLIENTS": "notes:other"],
            variable: "ADMIN_CLIENTS"
        ),
        BadCase(
            name: "AUTH_SECRET_KEY_PREVIOUS too short",
            changes: ["AUTH_SECRET_KEY_PREVIOUS": TestSettings.randomSecretKey(bytes: 16)],
            variable: "AUTH_SECRET_KEY_PREVIOUS"
        ),
        BadCase(name: "SESSIONS_PER_ACCOUNT_MAX=0", changes: ["SESSIONS_PER_ACCOUNT_MAX": "0"], variable: "SESSIONS_PER_ACCOUNT_MAX"),
    ]

    /// Each bad environment throws a `SettingsError` that names the variable, in its message too.
    @Test(arguments: badCases)
    func badSettingIsNamed(_ badCase: BadCase) {
        do {
            _ = try AuthSettings(environment: badCase.environment)
            Issue.record("\(badCase.name) was accepted")
        } catch let error as SettingsError {
            #expect(error.name == badCase.variable)
            #expect(error.description.contains(badCase.variable))
            #expect(!error.reason.isEmpty)
        } catch {
            Issue.record("not a SettingsError: \(error)")
        }
    }

    /// With only the required variables, every setting has the contract's default.
    @Test func defaultsMatchTheContract() throws {
        let settings = try AuthSettings(environment: Self.minimal)
        #expect(settings.common.host == "127.0.0.1")
        #expect(settings.common.port == 8081)
        #expect(settings.common.logLevel == .info)
        #expect(settings.common.logFormat == .text)
        #expect(settings.common.issuer == "latchkey")
        #expect(settings.common.cookieSecure == true)
        #expect(settings.common.databaseURL.database == "auth")
        #expect(settings.audience == ["notes", "profile"])
        #expect(settings.accessTokenTTL == 300)
        #expect(settings.refreshIdleTTL == 1_209_600)
        #expect(settings.refreshAbsoluteTTL == 2_592_000)
        #expect(settings.refreshReuseGrace == 10)
        #expect(settings.selfReissueWindow == 0)
        #expect(settings.signingKeyRotation == 604_800)
        #expect(settings.bcryptCost == 12)
        #expect(settings.loginFailuresPerEmail == 5)
        #expect(settings.loginFailuresPerClient == 50)
        #expect(settings.loginFailureWindow == 900)
        #expect(settings.trustedProxies == [try #require(IPAddressRange(cidr: "127.0.0.1/32"))])
        #expect(settings.introspectionClients.isEmpty)
        #expect(settings.secretKey.count == 32)
        #expect(settings.internalPort == nil)
    }

    /// Explicit values are read: lists, booleans, numbers, and base64url or longer secret keys.
    @Test func explicitValuesAreRead() throws {
        let secret = Data((0..<48).map { _ in UInt8.random(in: 0...255) })
        let base64url = secret.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        let settings = try AuthSettings(
            environment: Self.minimal.merging(
                [
                    "AUTH_SECRET_KEY": base64url, "COOKIE_SECURE": "false", "JWT_AUDIENCE": "notes, profile ,billing",
                    "TRUSTED_PROXIES": "10.0.0.0/8, ::1", "INTROSPECTION_CLIENTS": "notes:s1,profile:s:2", "BCRYPT_COST": "4",
                    "SELF_REISSUE_WINDOW_SECONDS": "600", "PORT": "9001", "INTERNAL_PORT": "9091",
                ]
            ) { _, new in new }
        )
        #expect(settings.secretKey == Array(secret))
        #expect(settings.common.cookieSecure == false)
        #expect(settings.common.port == 9001)
        #expect(settings.audience == ["notes", "profile", "billing"])
        #expect(settings.trustedProxies.count == 2)
        #expect(settings.trustedProxies[0].contains("10.1.2.3"))
        #expect(!settings.trustedProxies[0].contains("11.0.0.1"))
        #expect(settings.trustedProxies[1].contains("::1"))
        #expect(settings.introspectionClients == ["notes": "s1", "profile": "s:2"])
        #expect(settings.bcryptCost == 4)
        #expect(settings.selfReissueWindow == 600)
        #expect(settings.internalPort == 9091)
    }
}
