import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import TestSupport
import Testing

/// The admin API on the internal port, for `ADMIN_CLIENTS` only: find, end sessions, lock, unlock,
/// and the kill switch; each action a security event of the account, each revocation on the feed.
@Suite struct AdminAPITests {
    static let settings = ["ADMIN_CLIENTS": "ops:ops-secret"]
    static let admin: HTTPFields = .basic("ops", "ops-secret")

    /// The admin API's view of the account with this e-mail.
    static func find(_ api: AuthAPI, email: String, headers: HTTPFields = admin) async throws -> TestResponse {
        let query = email.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? email
        return try await api.send(.get, "/internal/v1/admin/accounts?email=\(query)", headers: headers)
    }

    /// Introspection credentials are 401 on the admin API, admin credentials are 401 on introspection
    /// and the feed, and without `ADMIN_CLIENTS` the admin API does not exist.
    @Test func credentialsAreSeparate() async throws {
        try await TestApp.run(Self.settings) { api in
            let (user, session) = try await api.loggedInUser("admin-credentials")
            for headers: HTTPFields in [[:], .basic("notes", "notes-secret"), .basic("ops", "wrong")] {
                expectProblem(try await Self.find(api, email: user.email, headers: headers), .invalidCredentials)
                expectProblem(try await api.send(.delete, "/internal/v1/admin/sessions", headers: headers), .invalidCredentials)
            }
            let introspection = try await api.send(
                .post,
                "/internal/v1/introspect",
                headers: Self.admin.merging([.contentType: "application/x-www-form-urlencoded"]),
                body: ByteBuffer(string: "token=\(session.accessToken)")
            )
            expectProblem(introspection, .invalidCredentials)
            expectProblem(try await api.send(.get, "/internal/v1/revocations", headers: Self.admin), .invalidCredentials)
            #expect(try await api.isActive(session.accessToken))
        }
        try await TestApp.run { api in
            let find = try await Self.find(api, email: "nobody@example.com")
            let killSwitch = try await api.send(.delete, "/internal/v1/admin/sessions", headers: Self.admin)
            #expect(find.status == .notFound && killSwitch.status == .notFound)
        }
    }

    /// Find by e-mail (normalized) shows the account and its active sessions, never a hash; an
    /// unknown e-mail or id is 404; ending an account's sessions ends them all (it may log in again).
    @Test func findAndEndSessions() async throws {
        try await TestApp.run(Self.settings) { api in
            let (user, first) = try await api.loggedInUser("admin-find")
            let second = try await api.bearerSession(user)
            let bystander = try await api.loggedInUser("admin-bystander").1
            let found = try await Self.find(api, email: "  " + user.email.uppercased())
            #expect(found.status == .ok)
            let body = try found.json()
            #expect(body.keys == ["id", "email", "created_at", "locked", "sessions"])
            #expect(body["locked"]?.bool == false)
            #expect(Set(body["sessions"]?.array?.compactMap { $0["id"]?.string } ?? []) == [first.sessionID, second.sessionID])
            #expect(!found.text.contains("$2b$"))
            let id = try #require(body["id"]?.string)
            expectProblem(try await Self.find(api, email: "nobody-\(UUID())@example.com"), .notFound)
            expectProblem(try await api.send(.delete, "/internal/v1/admin/accounts/\(UUID())/sessions", headers: Self.admin), .notFound)
            expectProblem(try await api.send(.delete, "/internal/v1/admin/accounts/not-an-id/sessions", headers: Self.admin), .notFound)

            #expect(try await api.send(.delete, "/internal/v1/admin/accounts/\(id)/sessions", headers: Self.admin).status == .noContent)
            #expect(try await !api.isActive(first.accessToken))
            #expect(try await !api.isActive(second.accessToken))
            #expect(try await api.isActive(bystander.accessToken))
            #expect(try await Self.find(api, email: user.email).json()["sessions"]?.array?.isEmpty == true)
            let again = try await api.bearerSession(user)
            let types = try SecurityEventTests.types(try await SecurityEventTests.page(api, again))
            #expect(types.prefix(2) == ["login", "admin-revoked"])
        }
    }

    /// A lock ends every session and refuses the right password with 403 `account-locked` (a wrong one
    /// stays 401), each refusal a `login-failed` event; an unlock lets the account in again; lock and
    /// unlock are events the user sees.
    @Test func lockAndUnlock() async throws {
        try await TestApp.run(Self.settings) { api in
            let (user, session) = try await api.loggedInUser("admin-lock")
            let id = try #require(try await Self.find(api, email: user.email).json()["id"]?.string)
            #expect(try await api.send(.post, "/internal/v1/admin/accounts/\(id)/lock", headers: Self.admin).status == .noContent)
            #expect(try await !api.isActive(session.accessToken))
            expectProblem(try await api.refresh(session.refreshToken), .sessionEnded)
            expectProblem(try await api.logIn(email: user.email, password: user.password), .accountLocked)
            expectProblem(try await api.logIn(email: user.email, password: "not the password"), .invalidCredentials)
            #expect(try await Self.find(api, email: user.email).json()["locked"]?.bool == true)

            #expect(try await api.send(.post, "/internal/v1/admin/accounts/\(id)/unlock", headers: Self.admin).status == .noContent)
            let back = try await api.bearerSession(user)
            let types = try SecurityEventTests.types(try await SecurityEventTests.page(api, back))
            #expect(types.prefix(5) == ["login", "account-unlocked", "login-failed", "login-failed", "account-locked"])
            expectProblem(try await api.send(.post, "/internal/v1/admin/accounts/\(UUID())/lock", headers: Self.admin), .notFound)
        }
    }

    /// The kill switch ends every session of every account, each account gets an `admin-revoked`
    /// event, and logins work again afterwards. On a database of its own: it ends every session there.
    @Test func killSwitchEndsEverySession() async throws {
        try await TestDatabase.withIsolatedDatabase { databaseURL in
            try await TestApp.run(Self.settings, databaseURL: databaseURL) { api in
                var sessions: [(TestUser, BearerSession)] = []
                for index in 0..<3 {
                    let (user, session) = try await api.loggedInUser("kill-switch-\(index)")
                    sessions.append((user, session))
                    sessions.append((user, try await api.bearerSession(user)))
                }
                #expect(try await api.send(.delete, "/internal/v1/admin/sessions", headers: Self.admin).status == .noContent)
                for (_, session) in sessions {
                    #expect(try await !api.isActive(session.accessToken))
                    expectProblem(try await api.refresh(session.refreshToken), .sessionEnded)
                }
                let (user, _) = sessions[0]
                let again = try await api.bearerSession(user)
                #expect(try SecurityEventTests.types(try await SecurityEventTests.page(api, again)).prefix(2) == ["login", "admin-revoked"])
            }
        }
    }
}
