import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import TestSupport
import Testing

/// `SESSIONS_PER_ACCOUNT_MAX`: a login past it ends the account's least recently used session.
@Suite struct SessionCapTests {
    /// With a cap of 3, a fourth login ends the session used least recently (not the oldest one, once
    /// that was used again), with a `session-limit` event; the new session and the others go on.
    @Test func fourthLoginEndsTheLeastRecentlyUsed() async throws {
        try await TestApp.run(["SESSIONS_PER_ACCOUNT_MAX": "3"]) { api in
            let user = try await api.newUser("cap")
            var first = try await api.bearerSession(user)
            api.clock.advance(by: 1)
            let second = try await api.bearerSession(user)
            api.clock.advance(by: 1)
            let third = try await api.bearerSession(user)
            api.clock.advance(by: 1)
            first = try await api.rotate(first.refreshToken)
            api.clock.advance(by: 1)
            let fourth = try await api.bearerSession(user)

            #expect(try await !api.isActive(second.accessToken))
            expectProblem(try await api.refresh(second.refreshToken), .sessionEnded)
            for session in [first, third, fourth] { #expect(try await api.isActive(session.accessToken)) }
            let events = try await SecurityEventTests.page(api, fourth).json()["items"]?.array ?? []
            #expect(events.first?["type"]?.string == "session-limit")
            #expect(events.first?["session_id"]?.string == second.sessionID)
        }
    }

    /// Twelve logins at once with a cap of 3 leave exactly 3 active sessions. (Each login in flight
    /// holds a reservation under the e-mail's failure limit until its password is checked, so the
    /// limit is raised past twelve here.)
    @Test func capHoldsWhenLoginsArriveAtOnce() async throws {
        let settings = ["SESSIONS_PER_ACCOUNT_MAX": "3", "LOGIN_FAILURES_PER_EMAIL": "100"]
        try await TestApp.run(settings, setup: .ahc(.http)) { api in
            let user = try await api.newUser("cap-parallel")
            let responses = try await concurrently(12) { _ in try await api.logIn(email: user.email, password: user.password) }
            #expect(responses.count(201) == 12)
            let sessions = try responses.map { try BearerSession(try $0.json()) }
            var active = 0
            for session in sessions where try await api.isActive(session.accessToken) { active += 1 }
            #expect(active == 3)
        }
    }
}
