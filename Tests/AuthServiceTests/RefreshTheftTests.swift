import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import TestSupport
import Testing

/// Reuse of an earlier refresh token is theft: that session, and only that one, ends.
@Suite struct RefreshTheftTests {
    /// The previous token after the grace window: 401 `session-ended`, the session is revoked (its
    /// access token and current refresh token fail), while another session of the user still works.
    @Test func previousTokenAfterGraceRevokesTheSession() async throws {
        try await TestApp.run(["REFRESH_REUSE_GRACE_SECONDS": "10"]) { api in
            let (user, victim) = try await api.loggedInUser("theft")
            let other = try await api.bearerSession(user)
            let current = try await api.rotate(victim.refreshToken)
            api.clock.advance(by: 11)
            let reuse = try await api.refresh(victim.refreshToken)
            expectProblem(reuse, .sessionEnded)
            #expect(reuse.headers[.wwwAuthenticate] == nil)
            #expect(try await StoredState.session(id: victim.sessionID)?.revoked == true)
            #expect(try await StoredState.revocationCount(sessionID: victim.sessionID) == 1)
            #expect(try await StoredState.revocationCount(sessionID: other.sessionID) == 0)
            for token in [victim.accessToken, current.accessToken] {
                let denied = try await api.listSessions(token)
                expectProblem(denied, .sessionEnded)
                ProblemCheck.expectInvalidTokenChallenge(denied)
            }
            expectProblem(try await api.refresh(current.refreshToken), .sessionEnded)
            #expect(try await api.isActive(other.accessToken))
            #expect(try await StoredState.session(id: other.sessionID)?.revoked == false)
            _ = try await api.rotate(other.refreshToken)
        }
    }

    /// A token two steps back is theft even inside the grace window.
    @Test func tokenTwoStepsBackIsTheftInsideGrace() async throws {
        try await TestApp.run { api in
            let (_, login) = try await api.loggedInUser("two-back")
            let first = try await api.rotate(login.refreshToken)
            let second = try await api.rotate(first.refreshToken)
            api.clock.advance(by: 1)
            expectProblem(try await api.refresh(login.refreshToken), .sessionEnded)
            #expect(try await StoredState.session(id: login.sessionID)?.revoked == true)
            expectProblem(try await api.refresh(second.refreshToken), .sessionEnded)
            expectProblem(try await api.listSessions(second.accessToken), .sessionEnded)
        }
    }

    /// The theft answer clears all three cookies with `Max-Age=0` and their own paths.
    @Test(arguments: [true, false])
    func theftClearsTheCookies(secure: Bool) async throws {
        try await TestApp.run(["COOKIE_SECURE": String(secure)]) { api in
            let session = try await api.cookieSession(try await api.newUser("theft-cookies"))
            func refresh(_ token: String, _ csrf: String) async throws -> TestResponse {
                var headers = HTTPFields()
                headers[.cookie] = "\(api.cookieNames.refresh)=\(token); \(api.cookieNames.csrf)=\(csrf)"
                headers[HTTPField.Name("X-CSRF-Token")!] = csrf
                return try await api.send(.post, "/v1/sessions/refresh", headers: headers)
            }
            let rotated = try await refresh(session.refresh, session.csrf)
            #expect(rotated.status == .ok)
            api.clock.advance(by: 11)
            let theft = try await refresh(session.refresh, session.csrf)
            expectProblem(theft, .sessionEnded)
            #expect(theft.setCookies.map(\.name).sorted() == api.cookieNames.all.sorted())
            let paths = [api.cookieNames.access: "/", api.cookieNames.refresh: "/v1/sessions", api.cookieNames.csrf: "/"]
            for cookie in theft.setCookies {
                #expect(cookie.value.isEmpty)
                #expect(cookie.maxAge == 0)
                #expect(cookie.attribute("Path") == paths[cookie.name])
                #expect(cookie.attributes.contains("Secure") == secure)
            }
        }
    }
}
