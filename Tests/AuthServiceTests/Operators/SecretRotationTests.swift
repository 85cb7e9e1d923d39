import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import TestSupport
import Testing

/// `AUTH_SECRET_KEY_PREVIOUS`: after a rotation of the server secret nobody is logged out, and the
/// signing keys are re-sealed with the new secret at start. On a database of its own, since its
/// signing keys are sealed with a secret the other tests do not share.
@Suite struct SecretRotationTests {
    @Test func rotationLogsNobodyOut() async throws {
        try await TestDatabase.withIsolatedDatabase { databaseURL in
            let old = TestSettings.randomSecretKey()
            let new = TestSettings.randomSecretKey()
            let clock = TestClock()
            let (user, bearer, cookie, sealedBefore) = try await TestApp.run(["AUTH_SECRET_KEY": old], databaseURL: databaseURL, clock: clock) {
                api in
                let user = try await api.newUser("rotation")
                let bearer = try await api.bearerSession(user)
                let cookie = try await api.cookieSession(user)
                return (user, bearer, cookie, try await StoredState.signingKeys(databaseURL: databaseURL))
            }

            // Rotated: the new secret signs and seals, the previous one is still accepted.
            let rotated = ["AUTH_SECRET_KEY": new, "AUTH_SECRET_KEY_PREVIOUS": old]
            let (refreshed, resealed) = try await TestApp.run(rotated, databaseURL: databaseURL, clock: clock) { api in
                #expect(try await api.isActive(bearer.accessToken))
                // A cookie-mode dangerous request with the CSRF token made before the rotation passes the
                // CSRF check (404: no such session), and fails it without the token (403).
                let path = "/v1/sessions/\(UUID())"
                expectProblem(try await api.send(.delete, path, headers: cookie.headers(csrfHeader: cookie.csrf)), .notFound)
                expectProblem(try await api.send(.delete, path, headers: cookie.headers(csrfHeader: nil)), .csrfFailed)
                // The browser session refreshes twice and still passes the CSRF check: its csrf cookie is the
                // token of the secret it was made with, as its stored hash is (a new-secret token failed the
                // second refresh with 403, found by the web demo's helper).
                var browser = cookie
                for _ in 0..<2 {
                    let refreshed = try await api.send(
                        .post,
                        "/v1/sessions/refresh",
                        headers: RefreshCookieTests.headers(browser, csrfHeader: browser.csrf)
                    )
                    #expect(refreshed.status == .ok)
                    browser = try CookieSession(response: refreshed, names: api.cookieNames)
                }
                #expect(browser.csrf == cookie.csrf)
                expectProblem(try await api.send(.delete, path, headers: browser.headers(csrfHeader: browser.csrf)), .notFound)
                let refreshed = try await api.rotate(bearer.refreshToken)
                return (refreshed, try await StoredState.signingKeys(databaseURL: databaseURL))
            }
            #expect(Set(resealed.map(\.kid)) == Set(sealedBefore.map(\.kid)))
            #expect(zip(resealed.sorted { $0.kid < $1.kid }, sealedBefore.sorted { $0.kid < $1.kid }).allSatisfy { $0.sealed != $1.sealed })

            // The previous secret dropped: the re-sealed keys open with the new one alone, tokens made since
            // the rotation work, and a refresh token of the old secret no longer does.
            try await TestApp.run(["AUTH_SECRET_KEY": new], databaseURL: databaseURL, clock: clock) { api in
                #expect(try await api.isActive(refreshed.accessToken))
                _ = try await api.rotate(refreshed.refreshToken)
                expectProblem(try await api.refresh(cookie.refresh), .refreshTokenInvalid)
                #expect(try await api.logIn(email: user.email, password: user.password).status == .created)
            }
        }
    }
}
