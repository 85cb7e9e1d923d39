import AuthService
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import TestSupport

/// Builds auth applications the way `main` does, with test settings and a ``TestClock``.
enum TestApp {
    /// The tests' logger: errors only, so a failing test's output stays readable.
    static let logger: Logger = {
        var logger = Logger(label: "auth-tests")
        logger.logLevel = .error
        return logger
    }()

    /// A new application on `settings`, reading time from `clock`.
    static func make(_ settings: AuthSettings, clock: TestClock) async throws -> some ApplicationProtocol {
        try await buildApplication(settings: settings, logger: self.logger, clock: clock.authClock)
    }

    /// Builds an app with the test settings plus `overrides`, starts it and runs `body` against it.
    @discardableResult
    static func run<Value>(
        _ overrides: [String: String] = [:],
        databaseURL: String? = nil,
        clock: TestClock = TestClock(),
        setup: TestingSetup = .router,
        _ body: @Sendable (AuthAPI) async throws -> Value
    ) async throws -> Value {
        let app = try await self.make(TestSettings.make(databaseURL: databaseURL, overrides), clock: clock)
        return try await app.test(setup) { client in
            try await body(AuthAPI(client: client, clock: clock, cookieSecure: overrides["COOKIE_SECURE"] != "false"))
        }
    }
}
