import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import TestSupport
import Testing

/// The access-token rules on auth's own endpoints, and tokens used where they do not belong.
@Suite struct AccessTokenRuleTests {
    /// No token is 401 `token-missing` with `WWW-Authenticate: Bearer realm="latchkey"`, on every
    /// authenticated endpoint.
    @Test(arguments: [
        ("GET", "/v1/sessions"), ("DELETE", "/v1/sessions/current"), ("DELETE", "/v1/sessions"),
        ("PUT", "/v1/accounts/me/password"),
    ])
    func missingTokenIsChallenged(method: String, path: String) async throws {
        try await TestApp.run { api in
            let response = try await api.send(HTTPRequest.Method(method)!, path)
            expectProblem(response, .tokenMissing)
            ProblemCheck.expectChallenge(response, description: nil)
        }
    }

    /// A garbage token is 401 `token-invalid` with `error="invalid_token"`, never described as expired.
    @Test(arguments: ["garbage", "a.b.c", "", "eyJhbGciOiJub25lIn0.e30."])
    func garbageTokenIsInvalid(token: String) async throws {
        try await TestApp.run { api in
            let response = try await api.listSessions(token)
            expectProblem(response, .tokenInvalid)
            ProblemCheck.expectInvalidTokenChallenge(response)
        }
    }

    /// A genuine token past its expiry (400 s later) is 401 `token-expired`, `error_description="expired"`.
    @Test func expiredTokenIsExpired() async throws {
        try await TestApp.run { api in
            let (_, session) = try await api.loggedInUser("expired")
            api.clock.advance(by: 400)
            let response = try await api.listSessions(session.accessToken)
            expectProblem(response, .tokenExpired)
            ProblemCheck.expectChallenge(response, description: "expired")
            #expect(!response.text.contains(session.accessToken))
        }
    }

    /// A token signed by a key auth never published, or altered after signing, is `token-invalid`.
    @Test func foreignOrAlteredTokenIsInvalid() async throws {
        try await TestApp.run { api in
            let (_, session) = try await api.loggedInUser("forged")
            let genuine = try DecodedJWT(session.accessToken)
            let segments = session.accessToken.split(separator: ".").map(String.init)
            let foreignKey = Curve25519.Signing.PrivateKey()
            let header = Base64URLText.encode(Data(#"{"alg":"EdDSA","typ":"at+jwt","kid":"not-a-published-key"}"#.utf8))
            let input = header + "." + segments[1]
            let foreign = input + "." + Base64URLText.encode(try foreignKey.signature(for: Data(input.utf8)))
            let claims = genuine.claimsText.replacingOccurrences(of: #""iss":"latchkey""#, with: #""iss":"latchkeX""#)
            let altered = segments[0] + "." + Base64URLText.encode(Data(claims.utf8)) + "." + segments[2]
            for token in [foreign, altered] {
                let response = try await api.listSessions(token)
                expectProblem(response, .tokenInvalid)
                ProblemCheck.expectInvalidTokenChallenge(response)
            }
        }
    }

    /// A refresh token presented as an access token is `token-invalid`.
    @Test func refreshTokenIsNotAnAccessToken() async throws {
        try await TestApp.run { api in
            let (_, session) = try await api.loggedInUser("refresh-as-access")
            let response = try await api.listSessions(session.refreshToken)
            expectProblem(response, .tokenInvalid)
            ProblemCheck.expectInvalidTokenChallenge(response)
        }
    }

    /// An access token presented as a refresh token is `refresh-token-invalid`, and changes nothing.
    @Test func accessTokenIsNotARefreshToken() async throws {
        try await TestApp.run { api in
            let (_, session) = try await api.loggedInUser("access-as-refresh")
            expectProblem(try await api.refresh(session.accessToken), .refreshTokenInvalid)
            #expect(try await StoredState.session(id: session.sessionID)?.generation == 0)
            _ = try await api.rotate(session.refreshToken)
        }
    }

    /// A's refresh token in the body with B's access token in the header rotates A's session only.
    @Test func refreshTokenDecidesTheSession() async throws {
        try await TestApp.run { api in
            let (_, alice) = try await api.loggedInUser("alice")
            let (_, bob) = try await api.loggedInUser("bob")
            let response = try await api.refresh(alice.refreshToken, headers: .bearer(bob.accessToken))
            #expect(response.status == .ok)
            let rotated = try BearerSession(try response.json())
            #expect(rotated.sessionID == alice.sessionID)
            #expect(try DecodedJWT(rotated.accessToken).claims["sub"] == DecodedJWT(alice.accessToken).claims["sub"])
            #expect(try await StoredState.session(id: alice.sessionID)?.generation == 1)
            #expect(try await StoredState.session(id: bob.sessionID)?.generation == 0)
        }
    }
}
