import TestSupport
import Testing

extension SharedStackSuite {
    /// Cookie transport end to end: cookies at login, reads by cookie, the double-submit CSRF
    /// rule on notes, profile and auth's session endpoints, rotation by cookie, and logout.
    @Suite("Cookie mode")
    struct CookieModeTests {
        /// Login with `Token-Transport: cookie` sets the three cookies with the contract's
        /// attributes (plain names, no `Secure`, as `COOKIE_SECURE=false`) and no tokens in the body.
        @Test("cookie login sets access, refresh and csrf cookies")
        func loginSetsCookies() async throws {
            let stack = try CurrentStack.require()
            let jar = CookieJar()
            let login = try await TestAccount.create(on: stack).loginWithCookies(on: stack, jar: jar)
            let body = try login.json()
            #expect(body["access_token"] == nil)
            #expect(body["refresh_token"] == nil)
            #expect(body["session"]?["id"]?.string != nil)
            #expect(jar.names == ["access_token", "refresh_token", "csrf_token"])

            let access = try #require(jar["access_token"])
            #expect(access.path == "/")
            #expect(access.isHTTPOnly)
            #expect(access.sameSite?.lowercased() == "lax")
            #expect(access.maxAge == 300)
            #expect(!access.isSecure)
            let refresh = try #require(jar["refresh_token"])
            #expect(refresh.path == "/v1/sessions")
            #expect(refresh.isHTTPOnly)
            #expect(refresh.sameSite?.lowercased() == "strict")
            #expect((refresh.maxAge ?? 0) > 0)
            let csrf = try #require(jar["csrf_token"])
            #expect(csrf.path == "/")
            #expect(!csrf.isHTTPOnly, "scripts must be able to read the csrf cookie")
            #expect(csrf.sameSite?.lowercased() == "strict")
        }

        /// Reads work with cookies alone; writes need `X-CSRF-Token` equal to the csrf cookie:
        /// missing, wrong, or a forged cookie/header pair is 403 and writes nothing.
        @Test("cookie writes need the CSRF header")
        func csrfOnResourceServices() async throws {
            let stack = try CurrentStack.require()
            let jar = CookieJar()
            try await TestAccount.create(on: stack).loginWithCookies(on: stack, jar: jar)
            let csrf = try #require(jar["csrf_token"]?.value)
            let notes = stack.url(.notes, "/v1/notes")
            let profile = stack.url(.profile, "/v1/profile")

            let list = try await HTTP.send(.get, notes, jar: jar)
            #expect(list.status == 200)
            #expect(try list.json()["items"] == [])
            #expect(try await HTTP.send(.get, profile, jar: jar).status == 200)

            let note: JSONValue = ["title": "by cookie", "body": ""]
            ProblemCheck.expect(try await HTTP.send(.post, notes, jar: jar, json: note), status: 403, type: "csrf-failed")
            ProblemCheck.expect(
                try await HTTP.send(.post, notes, jar: jar, headers: ["X-CSRF-Token": "wrong-\(csrf)"], json: note),
                status: 403,
                type: "csrf-failed"
            )
            let forged = CookieJar()
            forged.set("access_token", try #require(jar["access_token"]?.value))
            forged.set("csrf_token", "forged-value")
            ProblemCheck.expect(
                try await HTTP.send(.post, notes, jar: forged, headers: ["X-CSRF-Token": "forged-value"], json: note),
                status: 403,
                type: "csrf-failed"
            )
            #expect(try await HTTP.send(.get, notes, jar: jar).json()["items"] == [], "a refused cookie POST created a note")
            let created = try await HTTP.send(.post, notes, jar: jar, headers: ["X-CSRF-Token": csrf], json: note)
            #expect(created.status == 201)

            let update: JSONValue = ["display_name": "Cookie", "bio": nil]
            ProblemCheck.expect(try await HTTP.send(.put, profile, jar: jar, json: update), status: 403, type: "csrf-failed")
            ProblemCheck.expect(
                try await HTTP.send(.put, profile, jar: jar, headers: ["X-CSRF-Token": "nope"], json: update),
                status: 403,
                type: "csrf-failed"
            )
            #expect(try await HTTP.send(.get, profile, jar: jar).json()["display_name"] == .null, "a refused cookie PUT changed the profile")
            let put = try await HTTP.send(.put, profile, jar: jar, headers: ["X-CSRF-Token": csrf], json: update)
            #expect(put.status == 200)
            #expect(try put.json()["display_name"] == "Cookie")
        }

        /// Refresh by the refresh cookie (with `X-CSRF-Token`) rotates and sets new cookies, whose
        /// access token then writes; logout with CSRF is 204, clears all three cookies and ends the session.
        @Test("cookie refresh rotates; logout clears the cookies")
        func refreshAndLogout() async throws {
            let stack = try CurrentStack.require()
            let jar = CookieJar()
            try await TestAccount.create(on: stack).loginWithCookies(on: stack, jar: jar)
            let oldAccess = try #require(jar["access_token"]?.value)
            let oldRefresh = try #require(jar["refresh_token"]?.value)
            let refreshURL = stack.url(.auth, "/v1/sessions/refresh")

            let withoutHeader = try await HTTP.send(.post, refreshURL, jar: jar)
            ProblemCheck.expect(withoutHeader, status: 403, type: "csrf-failed")
            #expect(jar["refresh_token"]?.value == oldRefresh)

            let refreshed = try await HTTP.send(.post, refreshURL, jar: jar, headers: ["X-CSRF-Token": try #require(jar["csrf_token"]?.value)])
            #expect(refreshed.status == 200, "refresh: \(refreshed.text.prefix(300))")
            let setNames = Set(refreshed.headerValues("Set-Cookie").compactMap { CookieJar.parse($0)?.name })
            #expect(setNames.isSuperset(of: ["access_token", "refresh_token"]))
            #expect(jar["access_token"]?.value != oldAccess)
            #expect(jar["refresh_token"]?.value != oldRefresh)
            #expect((try? refreshed.json())?["access_token"] == nil, "cookie-mode refresh must not put tokens in the body")

            let csrf = try #require(jar["csrf_token"]?.value)
            let created = try await HTTP.send(
                .post,
                stack.url(.notes, "/v1/notes"),
                jar: jar,
                headers: ["X-CSRF-Token": csrf],
                json: ["title": "after cookie refresh"]
            )
            #expect(created.status == 201)

            let logoutURL = stack.url(.auth, "/v1/sessions/current")
            ProblemCheck.expect(try await HTTP.send(.delete, logoutURL, jar: jar), status: 403, type: "csrf-failed")
            let newAccess = try #require(jar["access_token"]?.value)
            let logout = try await HTTP.send(.delete, logoutURL, jar: jar, headers: ["X-CSRF-Token": csrf])
            #expect(logout.status == 204)
            let cleared = logout.headerValues("Set-Cookie").compactMap(CookieJar.parse)
            #expect(Set(cleared.filter { $0.maxAge == 0 }.map(\.name)) == ["access_token", "refresh_token", "csrf_token"])
            #expect(cleared.first { $0.name == "refresh_token" }?.path == "/v1/sessions")
            #expect(jar.names.isEmpty)

            let afterLogout = try await HTTP.send(.post, stack.url(.notes, "/v1/notes"), bearer: newAccess, json: ["title": "too late"])
            ProblemCheck.expect(afterLogout, status: 401, type: "session-ended")
        }

        /// `Authorization: Bearer` wins over cookies (and then needs no CSRF header); the access
        /// cookie is read only under the name of the service's own `COOKIE_SECURE` setting.
        @Test("bearer takes precedence; only this setting's cookie name counts")
        func transportPrecedence() async throws {
            let stack = try CurrentStack.require()
            let account = try await TestAccount.create(on: stack)
            let jar = CookieJar()
            try await account.loginWithCookies(on: stack, jar: jar)
            let bearer = try await account.login(on: stack)
            let notes = stack.url(.notes, "/v1/notes")

            let bearerWithCookies = try await HTTP.send(.post, notes, bearer: bearer.accessToken, jar: jar, json: ["title": "bearer wins"])
            #expect(bearerWithCookies.status == 201, "a bearer-authenticated write must not need X-CSRF-Token")
            let badBearer = try await HTTP.send(.get, notes, bearer: "garbage", jar: jar)
            ProblemCheck.expect(badBearer, status: 401, type: "token-invalid")

            let otherName = CookieJar()
            otherName.set("__Host-access_token", try #require(jar["access_token"]?.value))
            let ignored = try await HTTP.send(.get, notes, jar: otherName)
            ProblemCheck.expect(ignored, status: 401, type: "token-missing")
        }
    }
}
