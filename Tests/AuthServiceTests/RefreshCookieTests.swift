import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import TestSupport
import Testing

/// Refresh with the refresh cookie: cookie-mode answers, the CSRF double submit, and body precedence.
@Suite struct RefreshCookieTests {
    /// Headers of a cookie refresh: the refresh and csrf cookies, and `X-CSRF-Token` if given.
    static func headers(_ session: CookieSession, csrfHeader: String?) -> HTTPFields {
        session.headers(access: false, refresh: true, csrfHeader: csrfHeader)
    }

    /// The refresh cookie alone (no body, or `{}`) rotates and answers with cookies only.
    @Test(arguments: [true, false])
    func refreshCookieRotatesInCookieMode(secure: Bool) async throws {
        try await TestApp.run(["COOKIE_SECURE": String(secure)]) { api in
            let session = try await api.cookieSession(try await api.newUser("cookie-refresh"))
            let response = try await api.send(.post, "/v1/sessions/refresh", headers: Self.headers(session, csrfHeader: session.csrf))
            #expect(response.status == .ok)
            let body = try response.json()
            #expect(!body.keys.contains("access_token"))
            #expect(!body.keys.contains("refresh_token"))
            #expect(body["session"]?["id"]?.string == session.sessionID)
            let rotated = try CookieSession(response: response, names: api.cookieNames)
            #expect(rotated.refresh != session.refresh)
            #expect(rotated.access != session.access)
            #expect(response.setCookie(api.cookieNames.refresh)?.attribute("Path") == "/v1/sessions")
            #expect(try await StoredState.session(id: session.sessionID)?.generation == 1)
            let again = try await api.sendJSON(
                .post,
                "/v1/sessions/refresh",
                JSONBody.raw("{}"),
                headers: Self.headers(rotated, csrfHeader: rotated.csrf)
            )
            #expect(again.status == .ok)
            #expect(again.setCookie(api.cookieNames.refresh) != nil)
            #expect(try await StoredState.session(id: session.sessionID)?.generation == 2)
        }
    }

    /// Without `X-CSRF-Token`, a cookie refresh is 403 `csrf-failed` and nothing rotates: the same
    /// refresh cookie rotates afterwards, once.
    @Test func missingCSRFHeaderRotatesNothing() async throws {
        try await TestApp.run { api in
            let session = try await api.cookieSession(try await api.newUser("csrf-missing"))
            let refused = try await api.send(.post, "/v1/sessions/refresh", headers: Self.headers(session, csrfHeader: nil))
            expectProblem(refused, .csrfFailed)
            #expect(refused.setCookies.isEmpty)
            #expect(try await StoredState.session(id: session.sessionID)?.generation == 0)
            let accepted = try await api.send(.post, "/v1/sessions/refresh", headers: Self.headers(session, csrfHeader: session.csrf))
            #expect(accepted.status == .ok)
            #expect(try await StoredState.session(id: session.sessionID)?.generation == 1)
        }
    }

    /// A wrong `X-CSRF-Token`, or a forged csrf cookie and header that agree with each other, is 403.
    @Test func wrongCSRFIsRefused() async throws {
        try await TestApp.run { api in
            let session = try await api.cookieSession(try await api.newUser("csrf-wrong"))
            let wrong = try await api.send(.post, "/v1/sessions/refresh", headers: Self.headers(session, csrfHeader: "wrong"))
            expectProblem(wrong, .csrfFailed)
            var forged = HTTPFields()
            forged[.cookie] = "\(api.cookieNames.refresh)=\(session.refresh); \(api.cookieNames.csrf)=forged"
            forged[HTTPField.Name("X-CSRF-Token")!] = "forged"
            expectProblem(try await api.send(.post, "/v1/sessions/refresh", headers: forged), .csrfFailed)
            #expect(try await StoredState.session(id: session.sessionID)?.generation == 0)
        }
    }

    /// A refresh token in the body with `Token-Transport: cookie` answers in cookie mode: the three cookies,
    /// and a body without tokens.
    @Test func bodyTokenWithCookieTransportAnswersWithCookies() async throws {
        try await TestApp.run { api in
            let (_, session) = try await api.loggedInUser("body-cookie-transport")
            let response = try await api.refresh(session.refreshToken, headers: .cookieTransport)
            #expect(response.status == .ok)
            let body = try response.json()
            #expect(!body.keys.contains("access_token"))
            #expect(!body.keys.contains("refresh_token"))
            #expect(body["session"]?["id"]?.string == session.sessionID)
            for name in [api.cookieNames.access, api.cookieNames.refresh, api.cookieNames.csrf] {
                #expect(response.setCookie(name) != nil, "\(name) was not set")
            }
            #expect(try await StoredState.session(id: session.sessionID)?.generation == 1)
        }
    }

    /// A token in the body wins over the refresh cookie: that session rotates (in bearer mode, no
    /// CSRF needed), the cookie's session does not.
    @Test func bodyTokenWinsOverCookie() async throws {
        try await TestApp.run { api in
            let user = try await api.newUser("body-wins")
            let cookieSession = try await api.cookieSession(user)
            let bearerSession = try await api.bearerSession(user)
            let response = try await api.refresh(bearerSession.refreshToken, headers: Self.headers(cookieSession, csrfHeader: nil))
            #expect(response.status == .ok)
            let rotated = try BearerSession(try response.json())
            #expect(rotated.sessionID == bearerSession.sessionID)
            #expect(response.setCookies.isEmpty)
            #expect(try await StoredState.session(id: bearerSession.sessionID)?.generation == 1)
            #expect(try await StoredState.session(id: cookieSession.sessionID)?.generation == 0)
        }
    }
}
