import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import TestSupport
import Testing

/// `LOGIN_FAILURES_PER_EMAIL`: past the limit an e-mail is locked for the window, even for the right password.
@Suite struct EmailRateLimitTests {
    /// A limit of 3 failures per e-mail in a 60 s window.
    static let settings = ["LOGIN_FAILURES_PER_EMAIL": "3", "LOGIN_FAILURE_WINDOW_SECONDS": "60"]

    /// After 3 failures the next attempt is 429 with `Retry-After`, even with the right password;
    /// other e-mails are not affected; once the window has passed the right password works again.
    @Test func lockedAfterLimitUntilWindowPasses() async throws {
        try await TestApp.run(Self.settings) { api in
            let user = try await api.newUser("locked")
            let bystander = try await api.newUser("bystander")
            for _ in 0..<3 {
                expectProblem(try await api.logIn(email: user.email, password: "wrong password"), .invalidCredentials)
            }
            for password in [user.password, "wrong password"] {
                let refused = try await api.logIn(email: user.email, password: password)
                expectProblem(refused, .rateLimited)
                let retryAfter = try #require(refused.headers[.retryAfter].flatMap { Int($0) })
                #expect(retryAfter > 0 && retryAfter <= 60)
                #expect(refused.setCookies.isEmpty)
            }
            #expect(try await api.logIn(email: bystander.email, password: bystander.password).status == .created)
            api.clock.advance(by: 30)
            expectProblem(try await api.logIn(email: user.email, password: user.password), .rateLimited)
            api.clock.advance(by: 31)
            #expect(try await api.logIn(email: user.email, password: user.password).status == .created)
        }
    }

    /// Failures below the limit do not lock, and the limit counts per e-mail, spelled any way.
    @Test func limitCountsTheNormalizedEmail() async throws {
        try await TestApp.run(Self.settings) { api in
            let user = try await api.newUser("normalized")
            expectProblem(try await api.logIn(email: user.email.uppercased(), password: "wrong password"), .invalidCredentials)
            expectProblem(try await api.logIn(email: " \(user.email)", password: "wrong password"), .invalidCredentials)
            #expect(try await api.logIn(email: user.email, password: user.password).status == .created)
            for _ in 0..<3 {
                expectProblem(try await api.logIn(email: user.email.uppercased(), password: "wrong password"), .invalidCredentials)
            }
            expectProblem(try await api.logIn(email: user.email, password: user.password), .rateLimited)
        }
    }

    /// Unknown e-mails are limited the same way, so the limit does not reveal which e-mails exist.
    @Test func unknownEmailIsLimitedToo() async throws {
        try await TestApp.run(Self.settings) { api in
            let email = TestUser.unique("unknown").email
            for _ in 0..<3 {
                expectProblem(try await api.logIn(email: email, password: "wrong password"), .invalidCredentials)
            }
            expectProblem(try await api.logIn(email: email, password: "wrong password"), .rateLimited)
        }
    }
}
