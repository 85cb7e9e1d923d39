import Foundation
import HTTPTypes
import HummingbirdTesting
import TestSupport
import Testing

/// The sliding idle lifetime and the absolute lifetime of a session's refresh tokens.
@Suite struct RefreshExpiryTests {
    /// A 60 s idle and a 120 s absolute lifetime.
    static let settings = ["REFRESH_IDLE_TTL_SECONDS": "60", "REFRESH_ABSOLUTE_TTL_SECONDS": "120"]

    /// A refresh token unused for longer than the idle lifetime ends the session.
    @Test func idleExpiryEndsTheSession() async throws {
        try await TestApp.run(Self.settings) { api in
            let (_, session) = try await api.loggedInUser("idle")
            #expect(session.body["refresh_expires_in"]?.int == 60)
            api.clock.advance(by: 61)
            let response = try await api.refresh(session.refreshToken)
            expectProblem(response, .sessionEnded)
            #expect(response.headers[.wwwAuthenticate] == nil)
        }
    }

    /// The idle lifetime slides with each refresh, but the absolute lifetime ends the session even
    /// when it is refreshed regularly.
    @Test func absoluteExpiryEndsARegularlyRefreshedSession() async throws {
        try await TestApp.run(Self.settings) { api in
            let (_, login) = try await api.loggedInUser("absolute")
            api.clock.advance(by: 50)
            let first = try await api.rotate(login.refreshToken)
            #expect(first.body["refresh_expires_in"]?.int == 60)
            api.clock.advance(by: 50)
            let second = try await api.rotate(first.refreshToken)
            #expect(second.body["refresh_expires_in"]?.int == 20)
            api.clock.advance(by: 25)
            expectProblem(try await api.refresh(second.refreshToken), .sessionEnded)
        }
    }
}
