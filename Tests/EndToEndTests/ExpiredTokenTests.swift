import Foundation
import TestSupport
import Testing

/// An expired access token is refused with 401 `token-expired` and
/// `WWW-Authenticate: Bearer realm="latchkey", error="invalid_token", error_description="expired"`.
///
/// Uses a stack with `ACCESS_TOKEN_TTL_SECONDS=10` (the minimum) and waits out the TTL plus the
/// verifier's 30 s leeway (`VerificationPolicy.leewaySeconds`): about 41 s, in parallel with the rest.
@Suite("Expired tokens", .serviceLogsOnFailure, .timeLimit(.minutes(2)))
struct ExpiredTokenTests {
    /// The verifier's leeway on `exp`, in seconds (the contract's maximum).
    static let leewaySeconds = 30

    /// After `exp` plus the leeway, every route of notes and profile answers 401 `token-expired`
    /// with `error_description="expired"`.
    @Test("expired tokens get error_description=\"expired\"")
    func expiredToken() async throws {
        try await withStack(StackOptions(accessTokenTTLSeconds: 10)) { stack in
            let session = try await TestAccount.create(on: stack).login(on: stack)
            #expect(try await HTTP.send(.get, stack.url(.notes, "/v1/notes"), bearer: session.accessToken).status == 200)

            let expiry = try TokenClaims.expiry(of: session.accessToken)
            let refusedFrom = Date(timeIntervalSince1970: TimeInterval(expiry + Self.leewaySeconds) + 0.5)
            let wait = refusedFrom.timeIntervalSinceNow
            try #require(wait < 45, "the token lives longer than the TTL says: exp \(expiry)")
            if wait > 0 {
                try await Task.sleep(for: .milliseconds(Int(wait * 1000)))
            }

            for endpoint in ResourceEndpoint.all {
                let response = try await HTTP.send(
                    endpoint.method,
                    stack.url(endpoint.service, endpoint.path),
                    bearer: session.accessToken,
                    json: endpoint.body
                )
                ProblemCheck.expect(response, status: 401, type: "token-expired")
                #expect(
                    response.header("WWW-Authenticate") == #"Bearer realm="latchkey", error="invalid_token", error_description="expired""#,
                    "\(endpoint.testDescription): \(response.header("WWW-Authenticate") ?? "no challenge")"
                )
            }

            let rotated = try await session.refreshed(on: stack)
            #expect(try await HTTP.send(.get, stack.url(.notes, "/v1/notes"), bearer: rotated.accessToken).status == 200)
        }
    }
}
