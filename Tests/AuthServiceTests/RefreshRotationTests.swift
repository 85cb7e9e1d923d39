import Foundation
import HTTPTypes
import HummingbirdTesting
import TestSupport
import Testing

/// `POST /v1/sessions/refresh`: rotation, and the retry of the previous token inside the grace window.
@Suite struct RefreshRotationTests {
    /// A refresh answers 200 in the login's shape with a new access token and a new refresh token
    /// of the same session, and moves the session one generation on.
    @Test func rotationIssuesNewTokens() async throws {
        try await TestApp.run { api in
            let (_, login) = try await api.loggedInUser("rotate")
            api.clock.advance(by: 1)
            let response = try await api.refresh(login.refreshToken)
            #expect(response.status == .ok)
            #expect(response.setCookies.isEmpty)
            let body = try response.json()
            #expect(body.keys == ["access_token", "token_type", "expires_in", "refresh_token", "refresh_expires_in", "session"])
            #expect(body["token_type"]?.string == "Bearer")
            let rotated = try BearerSession(body)
            #expect(rotated.sessionID == login.sessionID)
            #expect(rotated.accessToken != login.accessToken)
            #expect(rotated.refreshToken != login.refreshToken)
            #expect(try DecodedJWT(rotated.accessToken).claims["sid"]?.string == login.sessionID)
            #expect(try await api.isActive(rotated.accessToken))
            #expect(try await StoredState.session(id: login.sessionID)?.generation == 1)
            let next = try await api.rotate(rotated.refreshToken)
            #expect(next.refreshToken != rotated.refreshToken)
            #expect(try await StoredState.session(id: login.sessionID)?.generation == 2)
        }
    }

    /// The previous token inside the grace window answers 200 with a fresh access token and the very
    /// same refresh token the first rotation returned; the chain does not fork, and the successor
    /// still rotates normally.
    @Test func previousTokenInsideGraceGetsTheSameSuccessor() async throws {
        try await TestApp.run { api in
            let (_, login) = try await api.loggedInUser("grace")
            let first = try await api.rotate(login.refreshToken)
            api.clock.advance(by: 5)
            let retry = try await api.rotate(login.refreshToken)
            #expect(retry.refreshToken == first.refreshToken)
            #expect(retry.sessionID == login.sessionID)
            #expect(retry.accessToken != first.accessToken)
            #expect(try await api.isActive(retry.accessToken))
            #expect(try await StoredState.session(id: login.sessionID)?.generation == 1)
            let second = try await api.rotate(first.refreshToken)
            #expect(second.refreshToken != first.refreshToken)
            #expect(try await StoredState.session(id: login.sessionID)?.generation == 2)
            let third = try await api.rotate(second.refreshToken)
            #expect(third.refreshToken != second.refreshToken)
            #expect(try await StoredState.session(id: login.sessionID)?.revoked == false)
        }
    }

    /// The grace window starts at the first rotation and does not slide with retries.
    @Test func graceWindowDoesNotSlide() async throws {
        try await TestApp.run(["REFRESH_REUSE_GRACE_SECONDS": "10"]) { api in
            let (_, login) = try await api.loggedInUser("no-slide")
            _ = try await api.rotate(login.refreshToken)
            api.clock.advance(by: 8)
            _ = try await api.rotate(login.refreshToken)
            api.clock.advance(by: 4)
            expectProblem(try await api.refresh(login.refreshToken), .sessionEnded)
        }
    }
}
