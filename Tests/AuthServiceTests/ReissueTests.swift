import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import TestSupport
import Testing

/// `POST /v1/sessions/reissue`: the optional self-reissuing access token.
@Suite struct ReissueTests {
    /// Self-reissue within 600 s of `iat`.
    static let settings = ["SELF_REISSUE_WINDOW_SECONDS": "600"]

    /// With the default window of 0 the endpoint does not exist: 404 `not-found`.
    @Test func disabledByDefault() async throws {
        try await TestApp.run { api in
            let (_, session) = try await api.loggedInUser("reissue-off")
            expectProblem(try await api.send(.post, "/v1/sessions/reissue", headers: .bearer(session.accessToken)), .notFound)
        }
    }

    /// An expired access token whose `iat` is inside the window gets a new token of the same session.
    @Test func expiredTokenInsideWindowIsReissued() async throws {
        try await TestApp.run(Self.settings) { api in
            let (_, session) = try await api.loggedInUser("reissue")
            api.clock.advance(by: 400)
            expectProblem(try await api.listSessions(session.accessToken), .tokenExpired)
            let response = try await api.send(.post, "/v1/sessions/reissue", headers: .bearer(session.accessToken))
            #expect(response.status == .ok)
            #expect(response.setCookies.isEmpty)
            let body = try response.json()
            #expect(body.keys == ["access_token", "token_type", "expires_in"])
            #expect(body["token_type"]?.string == "Bearer")
            #expect(body["expires_in"]?.int == 300)
            let token = try #require(body["access_token"]?.string)
            let claims = try DecodedJWT(token).claims
            let old = try DecodedJWT(session.accessToken).claims
            #expect(claims["sid"] == old["sid"])
            #expect(claims["sub"] == old["sub"])
            #expect(claims["jti"] != old["jti"])
            #expect(claims["iat"]?.int == api.clock.epochSeconds)
            #expect(try await api.isActive(token))
        }
    }

    /// A token whose `iat` is older than the window is refused with 401.
    @Test func tokenOutsideWindowIsRefused() async throws {
        try await TestApp.run(Self.settings) { api in
            let (_, session) = try await api.loggedInUser("reissue-old")
            api.clock.advance(by: 601)
            let response = try await api.send(.post, "/v1/sessions/reissue", headers: .bearer(session.accessToken))
            #expect(response.status == .unauthorized)
            #expect(response.mediaType == "application/problem+json")
            let type = try response.json()["type"]?.string
            #expect([ProblemKind.tokenExpired.urn, ProblemKind.tokenInvalid.urn].contains(type))
            ProblemCheck.expectChallenge(response, description: "expired")
        }
    }

    /// A token of a revoked session is 401 `session-ended`; a garbage token is 401 `token-invalid`;
    /// no token is 401 `token-missing`.
    @Test func revokedOrBadTokensAreRefused() async throws {
        try await TestApp.run(Self.settings) { api in
            let (_, session) = try await api.loggedInUser("reissue-revoked")
            #expect(try await api.send(.delete, "/v1/sessions/current", headers: .bearer(session.accessToken)).status == .noContent)
            api.clock.advance(by: 400)
            let ended = try await api.send(.post, "/v1/sessions/reissue", headers: .bearer(session.accessToken))
            expectProblem(ended, .sessionEnded)
            ProblemCheck.expectInvalidTokenChallenge(ended)
            let garbage = try await api.send(.post, "/v1/sessions/reissue", headers: .bearer("garbage"))
            expectProblem(garbage, .tokenInvalid)
            ProblemCheck.expectInvalidTokenChallenge(garbage)
            let missing = try await api.send(.post, "/v1/sessions/reissue")
            expectProblem(missing, .tokenMissing)
            ProblemCheck.expectChallenge(missing, description: nil)
        }
    }

    /// By cookie, reissue needs `X-CSRF-Token` and sets only the access cookie, whose token keeps
    /// the session's `csrf` binding.
    @Test func cookieReissueSetsOnlyTheAccessCookie() async throws {
        try await TestApp.run(Self.settings) { api in
            let session = try await api.cookieSession(try await api.newUser("reissue-cookie"))
            api.clock.advance(by: 400)
            let refused = try await api.send(.post, "/v1/sessions/reissue", headers: session.headers(csrfHeader: nil))
            expectProblem(refused, .csrfFailed)
            let response = try await api.send(.post, "/v1/sessions/reissue", headers: session.headers(csrfHeader: session.csrf))
            #expect(response.status == .ok)
            #expect(response.setCookies.map(\.name) == [api.cookieNames.access])
            let cookie = try #require(response.setCookie(api.cookieNames.access))
            #expect(cookie.attributes == ["HttpOnly", "Secure", "SameSite=Lax", "Path=/", "Max-Age=300"])
            #expect(try !response.json().keys.contains("access_token"))
            let claims = try DecodedJWT(cookie.value).claims
            #expect(claims["sid"]?.string == session.sessionID)
            #expect(claims["csrf"]?.string == Base64URLText.encode(SHA256.hash(data: Array(session.csrf.utf8))))
        }
    }
}
