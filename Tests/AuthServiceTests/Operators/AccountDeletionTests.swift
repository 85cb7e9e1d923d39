import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import TestSupport
import Testing

/// `DELETE /v1/accounts/me {current_password}`: dangerous like a password change, and afterwards
/// nothing of the account is left in auth's database but the feed's `account-deleted` event.
@Suite struct AccountDeletionTests {
    /// Sends a deletion with the caller's bearer token.
    static func delete(_ api: AuthAPI, _ session: BearerSession, password: String) async throws -> TestResponse {
        try await api.sendJSON(.delete, "/v1/accounts/me", fields: ["current_password": password], headers: .bearer(session.accessToken))
    }

    /// 204: every session ends (access and refresh tokens of each), the account and everything that
    /// names it is gone (the revocations stay for the feed, as every revocation does), the feed carries `account-deleted` after the sessions' revocations, and the
    /// e-mail may sign up again as a new account.
    @Test func deletionLeavesNothingButTheFeedEvent() async throws {
        try await TestApp.run(setup: .live) { api in
            let port = try #require(api.client.port)
            let (user, caller) = try await api.loggedInUser("delete-me")
            let other = try await api.bearerSession(user)
            expectProblem(try await api.logIn(email: user.email, password: "a wrong password"), .invalidCredentials)
            let accountID = try #require(try DecodedJWT(caller.accessToken).claims["sub"]?.string)

            #expect(try await Self.delete(api, caller, password: user.password).status == .noContent)

            let traces = try await StoredState.traces(accountID: accountID, email: user.email)
            #expect(traces == ["accounts": 0, "sessions": 0, "security_events": 0, "login_failures": 0, "revocations": 2, "account_deletions": 1])
            for session in [caller, other] {
                expectProblem(try await api.listSessions(session.accessToken), .sessionEnded)
                // The session row went with the account: the token names nothing any more.
                expectProblem(try await api.refresh(session.refreshToken), .refreshTokenInvalid)
            }
            expectProblem(try await api.logIn(email: user.email, password: user.password), .invalidCredentials)

            let opened = try await FeedReader.open(port: port, after: nil, credentials: "notes:notes-secret")
            var reader = try #require(opened.reader)
            let deleted = try await reader.next { $0.name == "account-deleted" && $0.data.contains(accountID) }
            let fields = try RevocationFeedEndpointTests.fields(deleted)
            #expect(Set(fields.keys) == ["seq", "sub", "deleted_at"])
            let revokedSeqs = reader.events.filter { $0.name == "revoked" && $0.data.contains(accountID) }
                .compactMap { try? RevocationFeedEndpointTests.fields($0)["seq"] as? Int }
            #expect(revokedSeqs.count == 2)
            #expect(revokedSeqs.allSatisfy { $0 < (fields["seq"] as? Int ?? 0) })

            let again = try await api.signUp(email: user.email, password: "a new life begins")
            #expect(again.status == .created)
            #expect(try again.json()["id"]?.string != accountID)
        }
    }

    /// A wrong password is 401 `invalid-credentials` and deletes nothing; 30 guesses at once past a limit
    /// of 3 get at most 3 answers of 401 (they count as login failures of the e-mail).
    @Test func wrongPasswordsDeleteNothingAndAreLimited() async throws {
        let settings = ["LOGIN_FAILURES_PER_EMAIL": "3", "LOGIN_FAILURE_WINDOW_SECONDS": "60"]
        try await TestApp.run(settings, setup: .ahc(.http)) { api in
            let (user, stolen) = try await api.loggedInUser("delete-guess")
            let responses = try await concurrently(ParallelGuessLimitTests.guesses) { index in
                try await Self.delete(api, stolen, password: "guess number \(index)")
            }
            ParallelGuessLimitTests.expectLimited(responses, limit: 3)
            expectProblem(try await Self.delete(api, stolen, password: user.password), .rateLimited)
            #expect(try await StoredState.accountCount(email: user.email) == 1)
            #expect(try await api.isActive(stolen.accessToken))
        }
    }

    /// Cookie mode needs the CSRF token; a missing `current_password` is 400; another user's token
    /// deletes only that user.
    @Test func cookieModeNeedsCSRFAndEachTokenDeletesItsOwnAccount() async throws {
        try await TestApp.run { api in
            let user = try await api.newUser("delete-cookie")
            let bystander = try await api.newUser("delete-bystander")
            let session = try await api.cookieSession(user)
            let body = JSONBody.object(["current_password": user.password])
            expectProblem(try await api.sendJSON(.delete, "/v1/accounts/me", body, headers: session.headers(csrfHeader: nil)), .csrfFailed)
            expectProblem(
                try await api.sendJSON(.delete, "/v1/accounts/me", JSONBody.object([:]), headers: session.headers(csrfHeader: session.csrf)),
                .validationFailed
            )
            #expect(try await StoredState.accountCount(email: user.email) == 1)
            let deleted = try await api.sendJSON(.delete, "/v1/accounts/me", body, headers: session.headers(csrfHeader: session.csrf))
            #expect(deleted.status == .noContent)
            LogoutTests.expectClearedCookies(deleted, names: api.cookieNames)
            #expect(try await StoredState.accountCount(email: user.email) == 0)
            #expect(try await StoredState.accountCount(email: bystander.email) == 1)
            #expect(try await api.logIn(email: bystander.email, password: bystander.password).status == .created)
        }
    }
}
