import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import TestSupport
import Testing

/// `POST /v1/sessions` with `Token-Transport: cookie`: tokens only as cookies, with the contract's attributes.
@Suite struct LoginCookieTests {
    /// The three cookies carry exactly the contract's attributes for `COOKIE_SECURE` true and false,
    /// and the body carries no token.
    @Test(arguments: [true, false])
    func cookiesHaveExactlyTheContractAttributes(secure: Bool) async throws {
        try await TestApp.run(["COOKIE_SECURE": String(secure)]) { api in
            let user = try await api.newUser("cookies")
            let response = try await api.logIn(email: user.email, password: user.password, headers: .cookieTransport)
            #expect(response.status == .created)
            let names = CookieNames(secure: secure)
            let body = try response.json()
            let refreshLifetime = try #require(body["refresh_expires_in"]?.int)
            #expect(refreshLifetime == 1_209_600)
            #expect(!body.keys.contains("access_token"))
            #expect(!body.keys.contains("refresh_token"))
            #expect(body["session"]?.keys == ["id", "created_at"])
            #expect(response.setCookies.map(\.name).sorted() == names.all.sorted())
            let secureFlag: Set<String> = secure ? ["Secure"] : []
            let access = try #require(response.setCookie(names.access))
            #expect(access.attributes == secureFlag.union(["HttpOnly", "SameSite=Lax", "Path=/", "Max-Age=300"]))
            let refresh = try #require(response.setCookie(names.refresh))
            #expect(refresh.attributes == secureFlag.union(["HttpOnly", "SameSite=Strict", "Path=/v1/sessions", "Max-Age=\(refreshLifetime)"]))
            let csrf = try #require(response.setCookie(names.csrf))
            #expect(csrf.attributes.filter { !$0.hasPrefix("Max-Age=") } == secureFlag.union(["SameSite=Strict", "Path=/"]))
            #expect((csrf.maxAge ?? 0) > 0)
            for cookie in [access, refresh, csrf] {
                #expect(!cookie.value.isEmpty)
                #expect(!response.text.contains(cookie.value))
            }
            #expect(!DecodedJWT.isJWT(refresh.value))
            #expect(refresh.value.count >= 43)
        }
    }

    /// A cookie-mode access token's `csrf` claim is base64url(SHA-256(csrf cookie value)).
    @Test func accessTokenBindsTheCSRFCookie() async throws {
        try await TestApp.run { api in
            let session = try await api.cookieSession(try await api.newUser("csrf-claim"))
            let jwt = try DecodedJWT(session.access)
            let expected = Base64URLText.encode(SHA256.hash(data: Array(session.csrf.utf8)))
            #expect(jwt.claims["csrf"]?.string == expected)
            #expect(jwt.claims.keys == ["iss", "aud", "sub", "sid", "jti", "iat", "nbf", "exp", "client_id", "csrf"])
            #expect(jwt.claims["client_id"]?.string == "web")
            #expect(jwt.claims["sid"]?.string == session.sessionID)
        }
    }

    /// A read authenticated by the access cookie works; the cookie of the other `COOKIE_SECURE`
    /// name is never read.
    @Test func accessCookieAuthenticatesOnlyUnderItsOwnName() async throws {
        try await TestApp.run { api in
            let session = try await api.cookieSession(try await api.newUser("cookie-read"))
            let good = try await api.send(.get, "/v1/sessions", headers: session.headers(csrfHeader: nil))
            #expect(good.status == .ok)
            var other = HTTPFields()
            other[.cookie] = "access_token=\(session.access)"
            let wrongName = try await api.send(.get, "/v1/sessions", headers: other)
            expectProblem(wrongName, .tokenMissing)
        }
    }
}
