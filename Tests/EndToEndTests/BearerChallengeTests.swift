import TestSupport
import Testing

extension SharedStackSuite {
    /// Every 401 of notes and profile carries `WWW-Authenticate: Bearer realm="latchkey"`, with
    /// `error="invalid_token"` when a token was presented.
    @Suite("Bearer challenges")
    struct BearerChallengeTests {
        /// No credentials: 401 `token-missing` with exactly `Bearer realm="latchkey"`.
        @Test("missing token", arguments: ResourceEndpoint.all)
        func missingToken(endpoint: ResourceEndpoint) async throws {
            let stack = try CurrentStack.require()
            let response = try await HTTP.send(endpoint.method, stack.url(endpoint.service, endpoint.path), json: endpoint.body)
            ProblemCheck.expect(response, status: 401, type: "token-missing")
            #expect(response.header("WWW-Authenticate") == #"Bearer realm="latchkey""#)
        }

        /// A garbage bearer token, a genuine token with a broken signature, and a garbage access
        /// cookie: 401 `token-invalid` with `error="invalid_token"` and a description other than `expired`.
        @Test("invalid tokens", arguments: ResourceEndpoint.all)
        func invalidToken(endpoint: ResourceEndpoint) async throws {
            let stack = try CurrentStack.require()
            let session = try await TestAccount.create(on: stack).login(on: stack)
            let signature = session.accessToken.split(separator: ".").last ?? ""
            let flipped = (signature.hasPrefix("A") ? "B" : "A") + String(signature.dropFirst())
            let tampered = String(session.accessToken.dropLast(signature.count)) + flipped
            let cookies = CookieJar()
            cookies.set("access_token", "not.a.token")
            cookies.set("csrf_token", "c")
            let url = stack.url(endpoint.service, endpoint.path)
            let responses = [
                try await HTTP.send(endpoint.method, url, bearer: "garbage", json: endpoint.body),
                try await HTTP.send(endpoint.method, url, bearer: tampered, json: endpoint.body),
                try await HTTP.send(endpoint.method, url, jar: cookies, headers: ["X-CSRF-Token": "c"], json: endpoint.body),
            ]
            for response in responses {
                ProblemCheck.expect(response, status: 401, type: "token-invalid")
                let challenge = response.header("WWW-Authenticate") ?? ""
                #expect(challenge.contains(#"error="invalid_token""#), "WWW-Authenticate: \(challenge)")
                #expect(challenge.contains("error_description="), "WWW-Authenticate: \(challenge)")
                #expect(!challenge.contains(#"error_description="expired""#), "WWW-Authenticate: \(challenge)")
            }
        }
    }
}
