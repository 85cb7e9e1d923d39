import AuthService
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import NIOPosix
import TestSupport

/// Builds auth applications the way `main` does, with test settings and a ``TestClock``.
enum TestApp {
    /// The tests' logger: errors only, so a failing test's output stays readable.
    static let logger: Logger = {
        var logger = Logger(label: "auth-tests")
        logger.logLevel = .error
        return logger
    }()

    /// A new application on `settings`, reading time from `clock`, hashing on `hashingThreads` (the
    /// process's pool when `nil`).
    static func make(_ settings: AuthSettings, clock: TestClock, hashingThreads: NIOThreadPool? = nil) async throws -> some ApplicationProtocol {
        try await buildApplication(settings: settings, logger: self.logger, clock: clock.authClock, hashingThreads: hashingThreads)
    }

    /// Builds an app with the test settings plus `overrides`, starts it and runs `body` against it.
    ///
    /// The app hashes on a thread of its own, as an auth process would: on the process's one shared
    /// hashing thread, a test's five cheap sign-ups queued behind another test's flood of cost-12
    /// hashes past the client's 15-second deadline (seen in the full suite).
    @discardableResult
    static func run<Value>(
        _ overrides: [String: String] = [:],
        databaseURL: String? = nil,
        clock: TestClock = TestClock(),
        setup: TestingSetup = .router,
        _ body: @Sendable (AuthAPI) async throws -> Value
    ) async throws -> Value {
        let hashingThreads = NIOThreadPool(numberOfThreads: max(1, System.coreCount - 1))
        hashingThreads.start()
        do {
            let app = try await self.make(TestSettings.make(databaseURL: databaseURL, overrides), clock: clock, hashingThreads: hashingThreads)
            let value = try await app.test(setup) { client in
                try await body(AuthAPI(client: client, clock: clock, cookieSecure: overrides["COOKIE_SECURE"] != "false"))
            }
            try await hashingThreads.shutdownGracefully()
            return value
        } catch {
            try? await hashingThreads.shutdownGracefully()
            throw error
        }
    }
}
