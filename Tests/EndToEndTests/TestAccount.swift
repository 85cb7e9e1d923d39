import Foundation
import TestSupport
import Testing

/// A freshly signed-up account with a unique e-mail, so that tests can run in parallel on one stack.
struct TestAccount: Sendable {
    let email: String
    let password: String
    /// The account's (user's) id.
    let id: String

    /// Signs up a new account on the stack's `auth`.
    static func create(on stack: ServiceStack, label: String = "user") async throws -> TestAccount {
        let email = "\(label)-\(UUID().uuidString.lowercased())@e2e.example"
        let password = "pw-\(UUID().uuidString)"
        let response = try await HTTP.send(.post, stack.url(.auth, "/v1/accounts"), json: ["email": .string(email), "password": .string(password)])
        guard response.status == 201, let id = try response.json()["id"]?.string else {
            throw HarnessError("sign-up failed: HTTP \(response.status) \(response.text.prefix(300))")
        }
        return TestAccount(email: email, password: password, id: id)
    }

    /// Logs in with tokens in the body (bearer transport): a new session.
    func login(on stack: ServiceStack) async throws -> BearerSession {
        let response = try await HTTP.send(.post, stack.url(.auth, "/v1/sessions"), json: self.credentials)
        guard response.status == 201 else { throw HarnessError("login failed: HTTP \(response.status) \(response.text.prefix(300))") }
        return try BearerSession(response.json())
    }

    /// Logs in with `Token-Transport: cookie`, filling `jar`; returns the response.
    @discardableResult
    func loginWithCookies(on stack: ServiceStack, jar: CookieJar) async throws -> TestResponse {
        let response = try await HTTP.send(
            .post,
            stack.url(.auth, "/v1/sessions"),
            jar: jar,
            headers: ["Token-Transport": "cookie"],
            json: self.credentials
        )
        guard response.status == 201 else { throw HarnessError("cookie login failed: HTTP \(response.status) \(response.text.prefix(300))") }
        return response
    }

    var credentials: JSONValue {
        ["email": .string(self.email), "password": .string(self.password)]
    }
}
