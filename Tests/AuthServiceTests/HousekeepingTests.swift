import Foundation
import HTTPTypes
import HummingbirdTesting
import PostgresNIO
import ServiceSupport
import TestSupport
import Testing

@testable import AuthService

/// Housekeeping deletes what nothing needs any more, and nothing else: revocations older than any token they
/// could affect (the access-token lifetime plus the feed's replay margin), and login failures outside the
/// limit window. On a database of its own, since a sweep with a clock moved forward would delete other
/// tests' rows.
@Suite struct HousekeepingTests {
    @Test func sweepPrunesOnlyWhatNothingNeeds() async throws {
        try await TestDatabase.withIsolatedDatabase { databaseURL in
            let clock = TestClock()
            try await TestApp.run(databaseURL: databaseURL, clock: clock) { api in
                let user = try await api.newUser("housekeeping")
                let early = try await api.bearerSession(user)
                #expect(try await api.send(.delete, "/v1/sessions/current", headers: .bearer(early.accessToken)).status == .noContent)

                clock.advance(by: 300)
                let later = try await api.bearerSession(user)
                #expect(try await api.send(.delete, "/v1/sessions/current", headers: .bearer(later.accessToken)).status == .noContent)
                // After the last successful login, which clears the e-mail's failures.
                expectProblem(try await api.logIn(email: user.email, password: "wrong password"), .invalidCredentials)

                // 361 s after the first revocation: past 300 s of token lifetime plus the 60 s margin; the
                // second revocation and the login failure (61 s old, window 900 s) stay.
                clock.advance(by: 61)
                try await Self.sweep(databaseURL: databaseURL, clock: clock)
                #expect(try await Self.count("revocations", databaseURL: databaseURL) == 1)
                #expect(try await StoredState.revocationCount(sessionID: later.sessionID, databaseURL: databaseURL) == 1)
                #expect(try await Self.count("login_failures", databaseURL: databaseURL) == 1)

                clock.advance(by: 900)
                try await Self.sweep(databaseURL: databaseURL, clock: clock)
                #expect(try await Self.count("revocations", databaseURL: databaseURL) == 0)
                #expect(try await Self.count("login_failures", databaseURL: databaseURL) == 0)
                // Sessions themselves are never swept: the sessions list and theft detection read them.
                #expect(try await StoredState.session(id: early.sessionID, databaseURL: databaseURL)?.revoked == true)
            }
        }
    }

    /// One pass of the service's own housekeeping, with the test's clock and the default settings' retention.
    static func sweep(databaseURL: String, clock: TestClock) async throws {
        let url = try DatabaseURL(parsing: databaseURL, settingName: "test database URL")
        let client = PostgresClient(configuration: try url.clientConfiguration(maximumConnections: 2), backgroundLogger: TestApp.logger)
        let running = Task { await client.run() }
        defer { running.cancel() }
        let housekeeping = HousekeepingService(
            revocations: RevocationFeedRepository(client: client, logger: TestApp.logger),
            limits: AuthLimits(settings: try TestSettings.make(databaseURL: databaseURL), client: client, logger: TestApp.logger),
            events: SecurityEventRepository(client: client, logger: TestApp.logger),
            revocationRetention: 300 + RevocationFeed.replayMargin,
            eventRetention: 7_776_000,
            clock: clock.authClock,
            logger: TestApp.logger
        )
        await housekeeping.sweep()
    }

    /// The number of rows of `table`.
    static func count(_ table: String, databaseURL: String) async throws -> Int {
        try await TestDatabase.withConnection(to: databaseURL) { connection in
            let rows = try await connection.query(PostgresQuery(unsafeSQL: "SELECT count(*) FROM \(table)"), logger: TestApp.logger)
            var count: Int64 = 0
            for try await value in rows.decode(Int64.self) { count = value }
            return Int(count)
        }
    }
}
