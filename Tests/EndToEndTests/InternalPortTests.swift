import Foundation
import TestSupport
import Testing

/// With `INTERNAL_PORT`, auth serves its internal API (and a copy of the JWKS) on that port only: the public
/// port answers 404 for `/internal/`, and the internal port serves nothing public. The resource services,
/// whose `AUTH_URL` names the internal port, verify, confirm writes and follow the revocation feed as usual.
@Suite("Internal port", .serviceLogsOnFailure, .timeLimit(.minutes(2)))
struct InternalPortTests {
    @Test("the internal API lives on INTERNAL_PORT alone, and everything still works through it")
    func internalAPIOnItsOwnPort() async throws {
        try await withStack(StackOptions(separateInternalPort: true)) { stack in
            let internalPort = try #require(stack.internalAuthPort)
            let internalBase = "http://127.0.0.1:\(internalPort)"
            let basic = "Basic " + Data("notes:wrong".utf8).base64EncodedString()

            for path in ["/internal/v1/introspect", "/internal/v1/revocations"] {
                for method in [HTTP.Method.get, .post] {
                    let refused = try await HTTP.send(method, stack.url(.auth, path), headers: ["Authorization": basic])
                    ProblemCheck.expect(refused, status: 404, type: "not-found", challenge: false)
                }
            }
            let credentialsChecked = try await HTTP.send(.post, internalBase + "/internal/v1/introspect", headers: ["Authorization": basic])
            #expect(credentialsChecked.status == 401, "the internal port checks the client's credentials")
            for path in ["/v1/accounts", "/v1/sessions", "/healthz"] {
                #expect(try await HTTP.send(.post, internalBase + path).status == 404, "\(path) on the internal port")
            }
            let publicKeys = try await HTTP.send(.get, stack.url(.auth, "/.well-known/jwks.json"))
            let internalKeys = try await HTTP.send(.get, internalBase + "/.well-known/jwks.json")
            #expect(publicKeys.status == 200 && internalKeys.status == 200)
            #expect(try publicKeys.json() == internalKeys.json())

            // The resource services reach auth through the internal port only: reads verify with its keys,
            // writes are confirmed by its introspection, and revocations reach reads through its feed.
            let account = try await TestAccount.create(on: stack)
            let session = try await account.login(on: stack)
            let other = try await account.login(on: stack)
            let created = try await HTTP.send(.post, stack.url(.notes, "/v1/notes"), bearer: session.accessToken, json: ["title": "t"])
            #expect(created.status == 201)
            let put = try await HTTP.send(.put, stack.url(.profile, "/v1/profile"), bearer: session.accessToken, json: ["display_name": "d"])
            #expect(put.status == 200)
            let revoked = try await HTTP.send(.delete, stack.url(.auth, "/v1/sessions/\(session.sessionID)"), bearer: other.accessToken)
            #expect(revoked.status == 204)
            let revokedAt = ContinuousClock.now
            let refused = try await SharedStackSuite.RevocationTests.firstRefusal(
                of: stack.url(.notes, "/v1/notes"),
                token: session.accessToken,
                since: revokedAt
            )
            ProblemCheck.expect(refused.response, status: 401, type: "session-ended")
            #expect(refused.after <= .seconds(1), "a read was still served \(refused.after) after the revocation")
        }
    }
}
