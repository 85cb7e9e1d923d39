import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import TestSupport
import Testing

/// `GET /v1/accounts/me/events`: the caller's own security events, newest first, with cursor paging.
@Suite struct SecurityEventTests {
    /// One page of the caller's events.
    static func page(_ api: AuthAPI, _ session: BearerSession, query: String = "") async throws -> TestResponse {
        try await api.send(.get, "/v1/accounts/me/events" + query, headers: .bearer(session.accessToken))
    }

    /// The types of a page, in order.
    static func types(_ response: TestResponse) throws -> [String] {
        try response.json()["items"]?.array?.compactMap { $0["type"]?.string } ?? []
    }

    /// Every event of the user's session life is recorded, newest first, each with time, session, IP
    /// and user agent; a refresh-token reuse (theft) is one of them; another user's events never show.
    @Test func lifeOfASessionIsRecorded() async throws {
        try await TestApp.run(setup: .live) { api in
            let user = try await api.newUser("events")
            let stranger = try await api.newUser("events-stranger")
            let agent: HTTPFields = [.userAgent: "EventsTest/1.0"]
            expectProblem(try await api.logIn(email: user.email, password: "not the password", headers: agent), .invalidCredentials)
            let first = try BearerSession(try await api.logIn(email: user.email, password: user.password, headers: agent).json())
            let second = try await api.bearerSession(user)
            #expect(try await api.send(.delete, "/v1/sessions/\(second.sessionID)", headers: .bearer(first.accessToken)).status == .noContent)
            let stolen = try await api.bearerSession(user)
            _ = try await api.rotate(stolen.refreshToken)
            api.clock.advance(by: 11)
            expectProblem(try await api.refresh(stolen.refreshToken), .sessionEnded)
            let change = try await PasswordChangeTests.change(api, first, current: user.password, new: PasswordChangeTests.newPassword)
            #expect(change.status == .noContent)
            #expect(try await api.send(.delete, "/v1/sessions?keep_current=true", headers: .bearer(first.accessToken)).status == .noContent)
            _ = try await api.bearerSession(stranger)

            let response = try await Self.page(api, first, query: "?limit=100")
            #expect(response.status == .ok)
            #expect(
                try Self.types(response) == [
                    "sessions-revoked", "password-changed", "refresh-reuse", "login", "session-revoked", "login", "login",
                    "login-failed", "signed-up",
                ]
            )
            let items = try #require(try response.json()["items"]?.array)
            for item in items {
                #expect(item.keys == ["id", "type", "at", "session_id", "ip", "user_agent"])
                #expect(item["at"]?.string?.isEmpty == false)
            }
            #expect(items[0]["session_id"]?.string == first.sessionID)
            #expect(items[2]["session_id"]?.string == stolen.sessionID)
            #expect(items[6]["user_agent"]?.string == "EventsTest/1.0")
            #expect(items[6]["ip"]?.string?.isEmpty == false)
            #expect(!response.text.contains(stranger.email) && !response.text.contains(user.password))
        }
    }

    /// Pages of `limit` follow `next_cursor` to the oldest event; the last page's cursor is null;
    /// bad `limit` and `cursor` are 400 naming the field.
    @Test func pagesFollowTheCursor() async throws {
        try await TestApp.run { api in
            let user = try await api.newUser("events-pages")
            var sessions: [BearerSession] = []
            for _ in 0..<4 { sessions.append(try await api.bearerSession(user)) }
            var seen: [String] = []
            var cursor: String?
            repeat {
                let response = try await Self.page(api, sessions[0], query: "?limit=2" + (cursor.map { "&cursor=\($0)" } ?? ""))
                #expect(response.status == .ok)
                let body = try response.json()
                seen += body["items"]?.array?.compactMap { $0["id"]?.string } ?? []
                cursor = body["next_cursor"]?.string
            } while cursor != nil && seen.count < 20
            #expect(seen.count == 5)
            #expect(seen == seen.sorted { Int($0)! > Int($1)! })
            expectProblem(try await Self.page(api, sessions[0], query: "?limit=0"), .validationFailed)
            expectProblem(try await Self.page(api, sessions[0], query: "?limit=101"), .validationFailed)
            expectProblem(try await Self.page(api, sessions[0], query: "?cursor=bm90LWEtY3Vyc29y"), .validationFailed)
            expectProblem(try await api.send(.get, "/v1/accounts/me/events"), .tokenMissing)
        }
    }

    /// A limited login of a known e-mail is a `login-limited` event.
    @Test func limitedLoginIsRecorded() async throws {
        try await TestApp.run(["LOGIN_FAILURES_PER_EMAIL": "1", "LOGIN_FAILURE_WINDOW_SECONDS": "60"]) { api in
            let (user, session) = try await api.loggedInUser("events-limited")
            expectProblem(try await api.logIn(email: user.email, password: "wrong"), .invalidCredentials)
            expectProblem(try await api.logIn(email: user.email, password: "wrong again"), .rateLimited)
            #expect(try Self.types(try await Self.page(api, session)).prefix(2) == ["login-limited", "login-failed"])
        }
    }

    /// Housekeeping deletes events older than `EVENT_RETENTION_SECONDS` (default 90 days) and keeps
    /// younger ones. On a database of its own: the sweep's clock is moved 90 days on.
    @Test func eventsArePrunedAfterTheRetention() async throws {
        try await TestDatabase.withIsolatedDatabase { databaseURL in
            let clock = TestClock()
            try await TestApp.run(databaseURL: databaseURL, clock: clock) { api in
                let user = try await api.newUser("events-retention")
                _ = try await api.bearerSession(user)
                clock.advance(by: 7_776_000 - 60)
                let recent = try await api.bearerSession(user)
                clock.advance(by: 120)
                try await HousekeepingTests.sweep(databaseURL: databaseURL, clock: clock)
                #expect(try Self.types(try await Self.page(api, recent)) == ["login"])
            }
        }
    }
}
