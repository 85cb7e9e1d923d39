import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import TestSupport
import Testing

/// `PUT /v1/accounts/me/password`: changing the password revokes every other session.
@Suite struct PasswordChangeTests {
    static let newPassword = "a brand new passphrase"

    /// Sends a password change with the caller's bearer token.
    static func change(_ api: AuthAPI, _ session: BearerSession, current: String, new: String) async throws -> TestResponse {
        try await api.sendJSON(
            .put,
            "/v1/accounts/me/password",
            fields: ["current_password": current, "new_password": new],
            headers: .bearer(session.accessToken)
        )
    }

    /// A change answers 204: other sessions end, the current one goes on, the old password no
    /// longer logs in and the new one does.
    @Test func changeRevokesOtherSessions() async throws {
        try await TestApp.run { api in
            let (user, caller) = try await api.loggedInUser("password")
            let other = try await api.bearerSession(user)
            let response = try await Self.change(api, caller, current: user.password, new: Self.newPassword)
            #expect(response.status == .noContent)
            expectProblem(try await api.refresh(other.refreshToken), .sessionEnded)
            expectProblem(try await api.listSessions(other.accessToken), .sessionEnded)
            #expect(try await api.isActive(caller.accessToken))
            _ = try await api.rotate(caller.refreshToken)
            expectProblem(try await api.logIn(email: user.email, password: user.password), .invalidCredentials)
            #expect(try await api.logIn(email: user.email, password: Self.newPassword).status == .created)
        }
    }

    /// A wrong current password is 401 `invalid-credentials` with the realm's challenge, and changes nothing.
    @Test func wrongCurrentPasswordChangesNothing() async throws {
        try await TestApp.run { api in
            let (user, caller) = try await api.loggedInUser("wrong-current")
            let other = try await api.bearerSession(user)
            let hash = try await StoredState.passwordHash(email: user.email)
            let response = try await Self.change(api, caller, current: "not my password", new: Self.newPassword)
            expectProblem(response, .invalidCredentials)
            // Every 401 of a token-authenticated endpoint challenges; the token itself is good, so no `invalid_token`.
            ProblemCheck.expectChallenge(response, description: nil)
            #expect(!response.text.contains("not my password") && !response.text.contains(Self.newPassword))
            #expect(try await StoredState.passwordHash(email: user.email) == hash)
            #expect(try await api.isActive(other.accessToken))
            #expect(try await api.logIn(email: user.email, password: user.password).status == .created)
            expectProblem(try await api.logIn(email: user.email, password: Self.newPassword), .invalidCredentials)
        }
    }

    /// A new password of 7 characters is 400 naming `new_password`, and nothing changes.
    @Test func shortNewPasswordChangesNothing() async throws {
        try await TestApp.run { api in
            let (user, caller) = try await api.loggedInUser("short-new")
            let other = try await api.bearerSession(user)
            let hash = try await StoredState.passwordHash(email: user.email)
            let response = try await Self.change(api, caller, current: user.password, new: "1234567")
            ProblemCheck.expectValidationError(response, field: "new_password")
            #expect(try await StoredState.passwordHash(email: user.email) == hash)
            #expect(try await api.isActive(other.accessToken))
            #expect(try await api.logIn(email: user.email, password: user.password).status == .created)
        }
    }

    /// Authenticated by cookie, the change needs `X-CSRF-Token`.
    @Test func cookieChangeNeedsCSRF() async throws {
        try await TestApp.run { api in
            let user = try await api.newUser("cookie-password")
            let session = try await api.cookieSession(user)
            let body = JSONBody.object(["current_password": user.password, "new_password": Self.newPassword])
            let refused = try await api.sendJSON(.put, "/v1/accounts/me/password", body, headers: session.headers(csrfHeader: nil))
            expectProblem(refused, .csrfFailed)
            expectProblem(try await api.logIn(email: user.email, password: Self.newPassword), .invalidCredentials)
            let accepted = try await api.sendJSON(.put, "/v1/accounts/me/password", body, headers: session.headers(csrfHeader: session.csrf))
            #expect(accepted.status == .noContent)
            #expect(try await api.logIn(email: user.email, password: Self.newPassword).status == .created)
        }
    }
}
