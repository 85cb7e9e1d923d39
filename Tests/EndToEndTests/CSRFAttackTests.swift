import TestSupport
import Testing

extension AttackSuite {
    /// Cookie-authenticated writes without the double-submit CSRF token, or with a wrong one, on
    /// every dangerous endpoint of notes, profile and auth (refresh and logout included).
    @Suite("CSRF attacks")
    struct CSRFAttackTests {
        /// How the attacker's request gets its `X-CSRF-Token` (and csrf cookie).
        enum Variant: String, CaseIterable, Sendable, CustomTestStringConvertible {
            /// No header at all (what a cross-site form post sends).
            case missing
            /// An empty header.
            case empty
            /// A header that differs from the cookie.
            case wrong
            /// The right value in another case.
            case caseChanged
            /// Header and cookie agree, but on a value the attacker made up.
            case forgedPair
            /// Header and cookie agree on another session's genuine csrf value.
            case otherSessionsPair

            var testDescription: String { self.rawValue }
        }

        /// With the victim's cookies but a bad CSRF token, every dangerous endpoint is 403
        /// `csrf-failed` and nothing changes: no note, profile, rotation, logout, revocation or password.
        @Test("cookie writes without the right X-CSRF-Token are refused", arguments: Variant.allCases)
        func csrf(_ variant: Variant) async throws {
            let stack = try CurrentStack.require()
            let account = try await TestAccount.create(on: stack, label: "csrf")
            let jar = CookieJar()
            try await account.loginWithCookies(on: stack, jar: jar)
            let csrf = try #require(jar["csrf_token"]?.value)
            let created = try await HTTP.send(
                .post,
                stack.url(.notes, "/v1/notes"),
                jar: jar,
                headers: ["X-CSRF-Token": csrf],
                json: ["title": "mine"]
            )
            try #require(created.status == 201)
            let noteID = try #require(try created.json()["id"]?.string)
            let secondSession = try await account.login(on: stack)
            let otherJar = CookieJar()
            try await TestAccount.create(on: stack, label: "csrf-other").loginWithCookies(on: stack, jar: otherJar)
            let otherCSRF = try #require(otherJar["csrf_token"]?.value)

            let attackJar = CookieJar()
            for name in jar.names {
                let cookie = try #require(jar[name])
                attackJar.set(name, cookie.value, path: cookie.path)
            }
            var headers: [String: String] = [:]
            switch variant {
            case .missing: break
            case .empty: headers["X-CSRF-Token"] = ""
            case .wrong: headers["X-CSRF-Token"] = "wrong-\(csrf)"
            case .caseChanged: headers["X-CSRF-Token"] = csrf.uppercased() == csrf ? csrf.lowercased() : csrf.uppercased()
            case .forgedPair:
                attackJar.set("csrf_token", "attacker-chosen-value")
                headers["X-CSRF-Token"] = "attacker-chosen-value"
            case .otherSessionsPair:
                attackJar.set("csrf_token", otherCSRF)
                headers["X-CSRF-Token"] = otherCSRF
            }
            let before = try await UserSnapshot.read(userID: account.id, on: stack)
            let secrets = [csrf, try #require(jar["access_token"]?.value), try #require(jar["refresh_token"]?.value), account.password]
            let attempts: [(HTTP.Method, String, JSONValue?)] = [
                (.post, stack.url(.notes, "/v1/notes"), ["title": "csrf", "body": "x"]),
                (.patch, stack.url(.notes, "/v1/notes/\(noteID)"), ["title": "csrf"]),
                (.delete, stack.url(.notes, "/v1/notes/\(noteID)"), nil),
                (.put, stack.url(.profile, "/v1/profile"), ["display_name": "csrf", "bio": nil]),
                (.post, stack.url(.auth, "/v1/sessions/refresh"), nil),
                (.delete, stack.url(.auth, "/v1/sessions/current"), nil),
                (.delete, stack.url(.auth, "/v1/sessions/\(secondSession.sessionID)"), nil),
                (.delete, stack.url(.auth, "/v1/sessions"), nil),
                (.delete, stack.url(.auth, "/v1/sessions?keep_current=true"), nil),
                (
                    .put, stack.url(.auth, "/v1/accounts/me/password"),
                    ["current_password": .string(account.password), "new_password": "csrf-changed-password"]
                ),
            ]
            for (method, url, body) in attempts {
                let response = try await HTTP.send(method, url, jar: attackJar, headers: headers, json: body)
                ResponseHygiene.expectProblem(response, status: 403, type: "csrf-failed", secrets: secrets)
                #expect(response.header("Set-Cookie") == nil, "\(method.rawValue) \(url): a refused request set cookies")
            }
            #expect(try await UserSnapshot.read(userID: account.id, on: stack) == before, "a request without the right CSRF token changed something")
            let read = try await HTTP.send(.get, stack.url(.notes, "/v1/notes/\(noteID)"), jar: jar)
            #expect(read.status == 200, "reads need no CSRF token")
        }
    }
}
