import Foundation
import TestSupport
import Testing

extension AttackSuite {
    /// Refresh tokens misused: as access tokens, garbled, replayed (theft) versus retried inside the
    /// grace window, lost responses, parallel rotations, and mixed with another user's access token.
    @Suite("Refresh token attacks")
    struct RefreshAttackTests {
        static func refresh(_ token: JSONValue, on stack: ServiceStack, bearer: String? = nil) async throws -> TestResponse {
            try await HTTP.send(.post, stack.url(.auth, "/v1/sessions/refresh"), bearer: bearer, json: ["refresh_token": token])
        }

        /// The rotation state of one session: its generation and whether it is still active.
        static func generation(of sessionID: String, on stack: ServiceStack) async throws -> (generation: Int, active: Bool) {
            let rows = try await stack.databaseServer.query(
                "SELECT refresh_generation, revoked_at IS NULL FROM sessions WHERE id = \(try UserSnapshot.uuidLiteral(sessionID))",
                database: stack.databaseName(.auth)
            )
            let row = try #require(rows.first)
            return (Int(row[0]) ?? -1, row[1] == "t")
        }

        /// A refresh token presented as a bearer access token (and as the access cookie) is 401
        /// `token-invalid` everywhere and changes nothing.
        @Test("a refresh token is no access token")
        func refreshTokenAsAccessToken() async throws {
            let stack = try CurrentStack.require()
            let victim = try await Victim.create(on: stack)
            let before = try await victim.snapshot(on: stack)
            let refreshToken = victim.session.refreshToken
            for (method, url, body) in TokenForgeryAttackTests.attempts(on: stack, victim: victim) {
                let response = try await HTTP.send(method, url, bearer: refreshToken, json: body)
                ResponseHygiene.expectProblem(response, status: 401, type: "token-invalid", secrets: victim.secrets)
            }
            let jar = CookieJar()
            jar.set("access_token", refreshToken)
            let byCookie = try await HTTP.send(.get, stack.url(.notes, "/v1/notes"), jar: jar)
            ResponseHygiene.expectProblem(byCookie, status: 401, type: "token-invalid", secrets: victim.secrets)
            #expect(try await victim.snapshot(on: stack) == before)
        }

        /// An access token presented as a refresh token (body or cookie) is 401
        /// `refresh-token-invalid`, revokes nothing, and the real refresh token still rotates.
        @Test("an access token is no refresh token")
        func accessTokenAsRefreshToken() async throws {
            let stack = try CurrentStack.require()
            let victim = try await Victim.create(on: stack)
            let before = try await victim.snapshot(on: stack)
            let byBody = try await Self.refresh(.string(victim.session.accessToken), on: stack)
            ResponseHygiene.expectProblem(byBody, status: 401, type: "refresh-token-invalid", challenge: false, secrets: victim.secrets)
            let jar = CookieJar()
            jar.set("refresh_token", victim.session.accessToken, path: "/v1/sessions")
            let byCookie = try await HTTP.send(.post, stack.url(.auth, "/v1/sessions/refresh"), jar: jar, headers: ["X-CSRF-Token": "x"])
            ResponseHygiene.expectProblem(byCookie, status: 401, type: "refresh-token-invalid", challenge: false, secrets: victim.secrets)
            #expect(try await victim.snapshot(on: stack) == before, "a refused refresh changed the session")
            _ = try await victim.session.refreshed(on: stack)
        }

        /// Garbled, forged or foreign refresh tokens: 401 `refresh-token-invalid` (400 when not even a
        /// string), nothing revoked, nothing rotated; the genuine token still rotates afterwards.
        @Test("garbled refresh tokens revoke nothing", arguments: GarbledRefreshToken.allCases)
        func garbled(_ kind: GarbledRefreshToken) async throws {
            let stack = try CurrentStack.require()
            let victim = try await Victim.create(on: stack)
            let before = try await victim.snapshot(on: stack)
            let response = try await Self.refresh(kind.value(from: victim.session.refreshToken), on: stack)
            if kind == .number || kind == .object {
                ResponseHygiene.expectProblem(response, status: 400, type: "validation-failed", secrets: victim.secrets)
            } else {
                ResponseHygiene.expectProblem(response, status: 401, type: "refresh-token-invalid", challenge: false, secrets: victim.secrets)
            }
            #expect(response.header("Set-Cookie") == nil, "a refused refresh set a cookie")
            #expect(try await victim.snapshot(on: stack) == before, "a garbled refresh token changed the session")
            let rotated = try await victim.session.refreshed(on: stack)
            #expect(rotated.sessionID == victim.session.sessionID)
        }

        /// Inside the grace window the previous token is a retry (200, the very same successor, the
        /// chain not forked), also a few seconds later (the window does not slide); after the window
        /// it is theft: 401 `session-ended`, that session alone revoked, its tokens dead on every service.
        @Test("a retry inside the grace vs a replay after it (theft)")
        func graceRetryVersusTheft() async throws {
            let stack = try CurrentStack.require()
            let account = try await TestAccount.create(on: stack)
            let session = try await account.login(on: stack)
            let bystander = try await account.login(on: stack)
            let first = try await session.refreshed(on: stack)
            let rotatedAt = ContinuousClock.now

            let retry = try await Self.refresh(.string(session.refreshToken), on: stack)
            #expect(retry.status == 200)
            let retried = try BearerSession(retry.json())
            #expect(retried.refreshToken == first.refreshToken, "a retry must get the same successor")
            #expect(retried.sessionID == session.sessionID)
            #expect(try await Self.generation(of: session.sessionID, on: stack) == (1, true), "a retry rotated again")
            #expect(try await HTTP.send(.get, stack.url(.notes, "/v1/notes"), bearer: retried.accessToken).status == 200)

            try await Task.sleep(until: rotatedAt + .seconds(5))
            let later = try await Self.refresh(.string(session.refreshToken), on: stack)
            #expect(later.status == 200, "still inside the 10 s grace")
            #expect(try BearerSession(later.json()).refreshToken == first.refreshToken)

            try await Task.sleep(until: rotatedAt + .seconds(11))
            let replay = try await Self.refresh(.string(session.refreshToken), on: stack)
            ResponseHygiene.expectProblem(
                replay,
                status: 401,
                type: "session-ended",
                challenge: false,
                secrets: [session.refreshToken, first.refreshToken]
            )
            #expect(try await Self.generation(of: session.sessionID, on: stack).active == false, "theft must revoke the session")

            let successor = try await Self.refresh(.string(first.refreshToken), on: stack)
            ResponseHygiene.expectProblem(successor, status: 401, type: "session-ended", challenge: false)
            let write = try await HTTP.send(.post, stack.url(.notes, "/v1/notes"), bearer: first.accessToken, json: ["title": "thief"])
            ResponseHygiene.expectProblem(write, status: 401, type: "session-ended")
            let reason = try await stack.databaseServer.query(
                "SELECT reason FROM revocations WHERE session_id = \(try UserSnapshot.uuidLiteral(session.sessionID))",
                database: stack.databaseName(.auth)
            )
            #expect(reason.count == 1, "one revocation for the stolen session: \(reason)")

            #expect(try await Self.generation(of: bystander.sessionID, on: stack) == (0, true), "theft ended another session")
            let stillFine = try await bystander.refreshed(on: stack)
            #expect(try await HTTP.send(.post, stack.url(.notes, "/v1/notes"), bearer: stillFine.accessToken, json: ["title": "ok"]).status == 201)
        }

        /// A token two steps back is theft even inside the grace window.
        @Test("a token two rotations back is theft, even within the grace")
        func twoStepsBack() async throws {
            let stack = try CurrentStack.require()
            let session = try await TestAccount.create(on: stack).login(on: stack)
            let second = try await session.refreshed(on: stack)
            let third = try await second.refreshed(on: stack)
            let replay = try await Self.refresh(.string(session.refreshToken), on: stack)
            ResponseHygiene.expectProblem(replay, status: 401, type: "session-ended", challenge: false)
            #expect(try await Self.generation(of: session.sessionID, on: stack) == (2, false))
            let current = try await Self.refresh(.string(third.refreshToken), on: stack)
            ResponseHygiene.expectProblem(current, status: 401, type: "session-ended", challenge: false)
        }

        /// The response of a refresh is lost; the client retries with the old token and gets the same
        /// successor as the lost answer carried, then goes on rotating normally.
        @Test("a lost refresh response: the retry gets the same successor")
        func lostResponse() async throws {
            let stack = try CurrentStack.require()
            let session = try await TestAccount.create(on: stack).login(on: stack)
            let lost = try await Self.refresh(.string(session.refreshToken), on: stack)
            #expect(lost.status == 200)
            let lostSuccessor = try BearerSession(lost.json()).refreshToken
            let retried = try await session.refreshed(on: stack)
            #expect(retried.refreshToken == lostSuccessor)
            let next = try await retried.refreshed(on: stack)
            #expect(next.refreshToken != lostSuccessor)
            #expect(try await Self.generation(of: session.sessionID, on: stack) == (2, true))
        }

        /// 20 parallel refreshes with one token: every one 200 with the same successor; exactly one rotation.
        @Test("20 parallel refreshes rotate exactly once")
        func parallelRefreshes() async throws {
            let stack = try CurrentStack.require()
            let session = try await TestAccount.create(on: stack).login(on: stack)
            let responses = try await withThrowingTaskGroup(of: TestResponse.self) { group in
                for _ in 0..<20 {
                    group.addTask { try await Self.refresh(.string(session.refreshToken), on: stack) }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(responses.map(\.status) == Array(repeating: 200, count: 20), "\(responses.map(\.status))")
            let successors = Set(try responses.map { try BearerSession($0.json()).refreshToken })
            #expect(successors.count == 1, "parallel refreshes forked the chain: \(successors.count) successors")
            #expect(try await Self.generation(of: session.sessionID, on: stack) == (1, true))
            let next = try await Self.refresh(.string(try #require(successors.first)), on: stack)
            #expect(next.status == 200)
        }

        /// A's refresh token sent with B's access token: the answer is about A's session only, B's
        /// data and session are untouched. By cookie, A's refresh cookie with B's csrf is 403.
        @Test("A's refresh token with B's access token")
        func mixedUsers() async throws {
            let stack = try CurrentStack.require()
            let alice = try await TestAccount.create(on: stack, label: "alice").login(on: stack)
            let bob = try await Victim.create(on: stack, label: "bob")
            let bobBefore = try await bob.snapshot(on: stack)

            let response = try await Self.refresh(.string(alice.refreshToken), on: stack, bearer: bob.session.accessToken)
            #expect(response.status == 200)
            let rotated = try BearerSession(response.json())
            let claims = try TokenClaims.payload(of: rotated.accessToken)
            let aliceClaims = try TokenClaims.payload(of: alice.accessToken)
            #expect(claims["sub"] == aliceClaims["sub"])
            #expect(claims["sid"]?.string == alice.sessionID)
            #expect(rotated.sessionID == alice.sessionID)
            #expect(try await bob.snapshot(on: stack) == bobBefore, "B changed when A refreshed with B's access token")

            let aliceJar = CookieJar()
            let aliceAccount = try await TestAccount.create(on: stack, label: "alice-cookie")
            try await aliceAccount.loginWithCookies(on: stack, jar: aliceJar)
            let bobJar = CookieJar()
            try await bob.account.loginWithCookies(on: stack, jar: bobJar)
            let bobCSRF = try #require(bobJar["csrf_token"]?.value)
            let mixed = CookieJar()
            mixed.set("refresh_token", try #require(aliceJar["refresh_token"]?.value), path: "/v1/sessions")
            mixed.set("csrf_token", bobCSRF)
            let mixedRefresh = try await HTTP.send(.post, stack.url(.auth, "/v1/sessions/refresh"), jar: mixed, headers: ["X-CSRF-Token": bobCSRF])
            ResponseHygiene.expectProblem(mixedRefresh, status: 403, type: "csrf-failed", secrets: [bobCSRF])
        }

        /// Theft detected on a cookie refresh clears all three cookies (`Max-Age=0`).
        @Test("theft by cookie clears the cookies")
        func theftByCookie() async throws {
            let stack = try CurrentStack.require()
            let jar = CookieJar()
            let account = try await TestAccount.create(on: stack)
            try await account.loginWithCookies(on: stack, jar: jar)
            let csrf = try #require(jar["csrf_token"]?.value)
            let original = try #require(jar["refresh_token"]?.value)
            for _ in 0..<2 {
                let rotated = try await HTTP.send(.post, stack.url(.auth, "/v1/sessions/refresh"), jar: jar, headers: ["X-CSRF-Token": csrf])
                try #require(rotated.status == 200)
            }
            let thief = CookieJar()
            thief.set("refresh_token", original, path: "/v1/sessions")
            thief.set("csrf_token", csrf)
            let replay = try await HTTP.send(.post, stack.url(.auth, "/v1/sessions/refresh"), jar: thief, headers: ["X-CSRF-Token": csrf])
            ResponseHygiene.expectProblem(replay, status: 401, type: "session-ended", challenge: false, secrets: [original])
            let cleared = replay.headerValues("Set-Cookie").compactMap(CookieJar.parse).filter { $0.maxAge == 0 }
            #expect(Set(cleared.map(\.name)) == ["access_token", "refresh_token", "csrf_token"])
        }
    }
}
