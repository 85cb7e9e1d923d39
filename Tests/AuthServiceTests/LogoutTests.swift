import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import TestSupport
import Testing

/// `DELETE /v1/sessions/current`: logging out this session and clearing the cookies.
@Suite struct LogoutTests {
    /// Checks that `response` clears the three cookies with `Max-Age=0` and their own paths.
    static func expectClearedCookies(_ response: TestResponse, names: CookieNames, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(response.setCookies.map(\.name).sorted() == names.all.sorted(), sourceLocation: sourceLocation)
        let paths = [names.access: "/", names.refresh: "/v1/sessions", names.csrf: "/"]
        for cookie in response.setCookies {
            #expect(cookie.value.isEmpty, sourceLocation: sourceLocation)
            #expect(cookie.maxAge == 0, sourceLocation: sourceLocation)
            #expect(cookie.attribute("Path") == paths[cookie.name], sourceLocation: sourceLocation)
        }
    }

    /// A bearer logout answers 204 clearing the cookies; the session's refresh token and access token
    /// then fail with `session-ended`; the user's other session goes on.
    @Test func bearerLogoutEndsTheSession() async throws {
        try await TestApp.run { api in
            let (user, session) = try await api.loggedInUser("logout")
            let other = try await api.bearerSession(user)
            let response = try await api.send(.delete, "/v1/sessions/current", headers: .bearer(session.accessToken))
            #expect(response.status == .noContent)
            Self.expectClearedCookies(response, names: api.cookieNames)
            #expect(try await StoredState.session(id: session.sessionID)?.revoked == true)
            #expect(try await StoredState.revocationCount(sessionID: session.sessionID) == 1)
            expectProblem(try await api.refresh(session.refreshToken), .sessionEnded)
            let denied = try await api.listSessions(session.accessToken)
            expectProblem(denied, .sessionEnded)
            ProblemCheck.expectInvalidTokenChallenge(denied)
            expectProblem(try await api.send(.delete, "/v1/sessions/current", headers: .bearer(session.accessToken)), .sessionEnded)
            #expect(try await api.isActive(other.accessToken))
        }
    }

    /// A cookie-authenticated logout without `X-CSRF-Token` is 403 and the session stays active;
    /// with it, the logout succeeds and the refresh cookie stops working.
    @Test(arguments: [true, false])
    func cookieLogoutNeedsCSRF(secure: Bool) async throws {
        try await TestApp.run(["COOKIE_SECURE": String(secure)]) { api in
            let session = try await api.cookieSession(try await api.newUser("cookie-logout"))
            let refused = try await api.send(.delete, "/v1/sessions/current", headers: session.headers(csrfHeader: nil))
            expectProblem(refused, .csrfFailed)
            let wrong = try await api.send(.delete, "/v1/sessions/current", headers: session.headers(csrfHeader: "wrong"))
            expectProblem(wrong, .csrfFailed)
            #expect(try await StoredState.session(id: session.sessionID)?.revoked == false)
            #expect(try await api.send(.get, "/v1/sessions", headers: session.headers()).status == .ok)

            let response = try await api.send(.delete, "/v1/sessions/current", headers: session.headers(csrfHeader: session.csrf))
            #expect(response.status == .noContent)
            Self.expectClearedCookies(response, names: api.cookieNames)
            #expect(try await StoredState.session(id: session.sessionID)?.revoked == true)
            let refresh = try await api.send(
                .post,
                "/v1/sessions/refresh",
                headers: session.headers(access: false, refresh: true, csrfHeader: session.csrf)
            )
            expectProblem(refresh, .sessionEnded)
        }
    }
}
