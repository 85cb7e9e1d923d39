import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import ServiceSupport

/// Runs a resource service (notes, profile) in process, the way its `main` builds it, on a throwaway
/// database of the tests' PostgreSQL and against a ``StandInAuth``, and sends it requests through its router.
package enum ResourceServiceTest {
    /// The tests' logger: errors only, so a failing test's output stays readable.
    package static let logger: Logger = {
        var logger = Logger(label: "resource-service-tests")
        logger.logLevel = .error
        return logger
    }()

    /// Builds the service `name` with `build` (its `buildApplication(settings:logger:)`) on a fresh
    /// database, waits until its start gate is open, runs `body`, and drops the database.
    package static func run<App: ApplicationProtocol>(
        _ name: String,
        build: @Sendable (ResourceServiceSettings, Logger) throws -> App,
        _ body: @Sendable (ResourceServiceAPI) async throws -> Void
    ) async throws {
        let auth = StandInAuth()
        try await TestDatabase.withIsolatedDatabase(prefix: "\(name)_test_") { databaseURL in
            try await auth.run { authURL in
                let settings = try ResourceServiceSettings(
                    environment: [
                        "DATABASE_URL": databaseURL,
                        "AUTH_URL": authURL,
                        "INTROSPECTION_CLIENT_ID": auth.clientID,
                        "INTROSPECTION_CLIENT_SECRET": auth.clientSecret,
                    ],
                    defaultPort: 0,
                    defaultServiceName: name
                )
                let app = try build(settings, self.logger)
                try await app.test(.router) { client in
                    let api = ResourceServiceAPI(client: client, auth: auth)
                    try await api.waitUntilReady()
                    try await body(api)
                }
            }
        }
    }
}

/// A resource service as the in-process tests call it: requests with a user's token, JSON bodies.
package struct ResourceServiceAPI: Sendable {
    package let client: any TestClientProtocol
    /// The stand-in `auth` whose tokens the service trusts.
    package let auth: StandInAuth

    /// A new user (a fresh id) with a session and an access token the service accepts.
    package func newUser() -> TestCaller {
        let user = UUID()
        let session = UUID()
        return TestCaller(userID: user, sessionID: session, accessToken: self.auth.accessToken(user: user, session: session))
    }

    /// Sends a request as `caller` (no `Authorization` without one), with `json` as the body if given.
    package func send(
        _ method: HTTPRequest.Method,
        _ uri: String,
        as caller: TestCaller?,
        json: JSONValue? = nil,
        headers: HTTPFields = [:]
    ) async throws -> TestResponse {
        var headers = headers
        if let caller { headers[.authorization] = "Bearer \(caller.accessToken)" }
        var body: ByteBuffer?
        if let json {
            headers[.contentType] = "application/json"
            body = ByteBuffer(bytes: try json.encoded())
        }
        return try await self.client.execute(uri: uri, method: method, headers: headers, body: body)
    }

    /// Waits (up to 30 s: the full suite on two cores is slow to start) until `/readyz` says the service has its keys, the feed's replay and its database.
    func waitUntilReady() async throws {
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            if try await self.client.execute(uri: "/readyz", method: .get).status == .ok { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw TestSetupError("the service did not become ready within 30 s (signing keys, revocation feed or database)")
    }
}

/// A user of a resource service: ids and an access token from ``StandInAuth``.
package struct TestCaller: Sendable {
    package let userID: UUID
    package let sessionID: UUID
    package let accessToken: String
}
