import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import TestSupport
import Testing

/// The login failure limits hold when the guesses arrive at once: of 30 simultaneous wrong
/// guesses past a limit of 3, at most 3 are checked (401), the rest are refused (429) before any
/// password is hashed, and afterwards even the right password is 429 until the window passes.
@Suite struct ParallelGuessLimitTests {
    static let guesses = 30

    /// Every answer is 401 or 429, at most `limit` are 401, and each 429 says when to come back.
    static func expectLimited(_ responses: [TestResponse], limit: Int, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(responses.count(401) + responses.count(429) == responses.count, sourceLocation: sourceLocation)
        #expect(responses.count(401) <= limit, "\(responses.count(401)) guesses were checked", sourceLocation: sourceLocation)
        #expect(responses.count(429) >= responses.count - limit, sourceLocation: sourceLocation)
        for refused in responses where refused.status == .tooManyRequests {
            _ = expectProblem(refused, .rateLimited, sourceLocation: sourceLocation)
            #expect((refused.headers[.retryAfter].flatMap { Int($0) } ?? 0) > 0, sourceLocation: sourceLocation)
        }
    }

    /// `LOGIN_FAILURES_PER_EMAIL=3`: 30 wrong passwords for one e-mail at once.
    @Test func perEmailLimitHoldsAtOnce() async throws {
        let settings = ["LOGIN_FAILURES_PER_EMAIL": "3", "LOGIN_FAILURE_WINDOW_SECONDS": "60"]
        try await TestApp.run(settings) { api in
            let user = try await api.newUser("parallel-email")
            let responses = try await concurrently(Self.guesses) { _ in
                try await api.logIn(email: user.email, password: "wrong password")
            }
            Self.expectLimited(responses, limit: 3)
            expectProblem(try await api.logIn(email: user.email, password: user.password), .rateLimited)
            api.clock.advance(by: 61)
            #expect(try await api.logIn(email: user.email, password: user.password).status == .created)
        }
    }

    /// `LOGIN_FAILURES_PER_CLIENT=3`: 30 wrong logins for 30 e-mails from one client address at once.
    ///
    /// Over async-http-client's pool of connections, so the 30 really arrive together (the `.live`
    /// test client sends everything down one connection, where HTTP/1 serves them one by one).
    @Test func perClientLimitHoldsAtOnce() async throws {
        let settings = ["LOGIN_FAILURES_PER_CLIENT": "3", "LOGIN_FAILURES_PER_EMAIL": "100", "LOGIN_FAILURE_WINDOW_SECONDS": "60"]
        try await TestApp.run(settings, setup: .ahc(.http)) { api in
            let user = try await api.newUser("parallel-client")
            let attacker = ClientRateLimitTests.uniqueAddress()
            let responses = try await concurrently(Self.guesses) { _ in
                try await api.logIn(email: TestUser.unique("guess").email, password: "wrong password", headers: .forwardedFor(attacker))
            }
            Self.expectLimited(responses, limit: 3)
            expectProblem(try await api.logIn(email: user.email, password: user.password, headers: .forwardedFor(attacker)), .rateLimited)
        }
    }

    /// 30 parallel password changes with one stolen access token guess `current_password`: they
    /// count as login failures of the account's e-mail, so a token cannot brute-force the password.
    @Test func currentPasswordGuessesHoldAtOnce() async throws {
        let settings = ["LOGIN_FAILURES_PER_EMAIL": "3", "LOGIN_FAILURE_WINDOW_SECONDS": "60"]
        try await TestApp.run(settings) { api in
            let (user, stolen) = try await api.loggedInUser("parallel-password")
            let responses = try await concurrently(Self.guesses) { index in
                try await PasswordChangeTests.change(api, stolen, current: "guess number \(index)", new: "the thief's new password")
            }
            Self.expectLimited(responses, limit: 3)
            let rightButLimited = try await PasswordChangeTests.change(api, stolen, current: user.password, new: "the thief's new password")
            expectProblem(rightButLimited, .rateLimited)
            expectProblem(try await api.logIn(email: user.email, password: user.password), .rateLimited)
            api.clock.advance(by: 61)
            #expect(try await api.logIn(email: user.email, password: user.password).status == .created)
        }
    }

    /// `SIGNUPS_PER_CLIENT=5`: 30 sign-ups from one address at once create 5 accounts, the rest are
    /// 429 and create nothing; another address may still sign up; after the window, so may this one.
    @Test func signUpLimitHoldsAtOnce() async throws {
        let settings = ["SIGNUPS_PER_CLIENT": "5", "SIGNUP_WINDOW_SECONDS": "3600"]
        try await TestApp.run(settings, setup: .ahc(.http)) { api in
            let address = ClientRateLimitTests.uniqueAddress()
            var other = ClientRateLimitTests.uniqueAddress()
            while other == address { other = ClientRateLimitTests.uniqueAddress() }
            let users = (0..<Self.guesses).map { _ in TestUser.unique("signup-flood") }
            let responses = try await concurrently(Self.guesses) { index in
                try await Self.signUp(api, users[index], from: address)
            }
            #expect(responses.count(201) == 5)
            #expect(responses.count(429) == Self.guesses - 5)
            for (user, response) in zip(users, responses) where response.status == .tooManyRequests {
                _ = expectProblem(response, .rateLimited)
                #expect((response.headers[.retryAfter].flatMap { Int($0) } ?? 0) > 3000)
                #expect(try await StoredState.accountCount(email: user.email) == 0)
            }
            #expect(try await Self.signUp(api, TestUser.unique("elsewhere"), from: other).status == .created)
            api.clock.advance(by: 3601)
            #expect(try await Self.signUp(api, TestUser.unique("later"), from: address).status == .created)
        }
    }

    static func signUp(_ api: AuthAPI, _ user: TestUser, from address: String) async throws -> TestResponse {
        try await api.sendJSON(.post, "/v1/accounts", fields: ["email": user.email, "password": user.password], headers: .forwardedFor(address))
    }
}
