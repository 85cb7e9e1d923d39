import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import TestSupport
import Testing

/// The auth API as tests call it: raw requests, and the common steps that must succeed.
struct AuthAPI: Sendable {
    let client: any TestClientProtocol
    let clock: TestClock
    /// The cookie names of the app's `COOKIE_SECURE` setting.
    let cookieNames: CookieNames

    init(client: any TestClientProtocol, clock: TestClock, cookieSecure: Bool) {
        self.client = client
        self.clock = clock
        self.cookieNames = CookieNames(secure: cookieSecure)
    }

    // MARK: Requests

    /// Sends a request as given.
    func send(_ method: HTTPRequest.Method, _ uri: String, headers: HTTPFields = [:], body: ByteBuffer? = nil) async throws -> TestResponse {
        try await self.client.execute(uri: uri, method: method, headers: headers, body: body)
    }

    /// Sends `body` with `Content-Type: application/json`.
    func sendJSON(_ method: HTTPRequest.Method, _ uri: String, _ body: ByteBuffer, headers: HTTPFields = [:]) async throws -> TestResponse {
        var headers = headers
        headers[.contentType] = "application/json"
        return try await self.send(method, uri, headers: headers, body: body)
    }

    /// Sends a JSON object of strings.
    func sendJSON(
        _ method: HTTPRequest.Method,
        _ uri: String,
        fields: [String: String],
        headers: HTTPFields = [:]
    ) async throws
        -> TestResponse
    {
        try await self.sendJSON(method, uri, JSONBody.object(fields), headers: headers)
    }

    /// `POST /v1/accounts`.
    func signUp(email: String, password: String) async throws -> TestResponse {
        try await self.sendJSON(.post, "/v1/accounts", fields: ["email": email, "password": password])
    }

    /// `POST /v1/sessions`.
    func logIn(email: String, password: String, headers: HTTPFields = [:]) async throws -> TestResponse {
        try await self.sendJSON(.post, "/v1/sessions", fields: ["email": email, "password": password], headers: headers)
    }

    /// `POST /v1/sessions/refresh` with the token in the body.
    func refresh(_ token: String, headers: HTTPFields = [:]) async throws -> TestResponse {
        try await self.sendJSON(.post, "/v1/sessions/refresh", fields: ["refresh_token": token], headers: headers)
    }

    /// `GET /v1/sessions` with a bearer token.
    func listSessions(_ accessToken: String) async throws -> TestResponse {
        try await self.send(.get, "/v1/sessions", headers: .bearer(accessToken))
    }

    // MARK: Steps that must succeed

    /// Signs up a new user with a unique e-mail.
    func newUser(_ label: String = "user", password: String = "correct horse battery") async throws -> TestUser {
        let user = TestUser.unique(label, password: password)
        let response = try await self.signUp(email: user.email, password: user.password)
        guard response.status == .created else { throw TestSetupError("sign-up failed: \(response.status.code) \(response.text)") }
        return user
    }

    /// Logs `user` in by bearer transport.
    func bearerSession(_ user: TestUser, headers: HTTPFields = [:]) async throws -> BearerSession {
        let response = try await self.logIn(email: user.email, password: user.password, headers: headers)
        guard response.status == .created else { throw TestSetupError("login failed: \(response.status.code) \(response.text)") }
        return try BearerSession(response.json())
    }

    /// Logs `user` in by cookie transport.
    func cookieSession(_ user: TestUser) async throws -> CookieSession {
        let response = try await self.logIn(email: user.email, password: user.password, headers: .cookieTransport)
        guard response.status == .created else { throw TestSetupError("login failed: \(response.status.code) \(response.text)") }
        return try CookieSession(response: response, names: self.cookieNames)
    }

    /// A new user, logged in by bearer transport.
    func loggedInUser(_ label: String = "user") async throws -> (TestUser, BearerSession) {
        let user = try await self.newUser(label)
        return (user, try await self.bearerSession(user))
    }

    /// Rotates `token`, which must succeed.
    func rotate(_ token: String) async throws -> BearerSession {
        let response = try await self.refresh(token)
        guard response.status == .ok else { throw TestSetupError("refresh failed: \(response.status.code) \(response.text)") }
        return try BearerSession(response.json())
    }

    /// Whether the session of `accessToken` still answers `GET /v1/sessions` with 200.
    func isActive(_ accessToken: String) async throws -> Bool {
        try await self.listSessions(accessToken).status == .ok
    }
}
