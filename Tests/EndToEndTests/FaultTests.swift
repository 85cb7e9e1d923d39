import Foundation
import TestSupport
import Testing

/// Faults under the running services: processes killed with SIGKILL in the middle of writes or
/// right after answering, auth restarted, signing keys rotating, auth's JWKS unreachable. Every
/// test runs on a stack of its own, one test at a time (each is heavy; the other suites time things).
/// (PostgreSQL restarts: ``DatabaseOutageTests``.)
@Suite("Faults", .serialized, .serviceLogsOnFailure, .timeLimit(.minutes(3)))
struct FaultTests {
    /// auth is SIGKILLed while note writes (which introspect), sign-ups, refreshes and a password
    /// change are in flight. Every note write answers 201 or 503 `auth-unavailable`, never anything
    /// else; exactly the 201 notes exist. After auth is back: every account either exists whole (its
    /// password logs in) or not at all (signing up again works); the refresh chain goes on (a retry of
    /// the old token inside the grace gets the successor); exactly one of the old and new password works.
    @Test("auth killed during writes fails closed and leaves nothing half-written")
    func authKilledDuringWrites() async throws {
        try await withStack(StackOptions(refreshReuseGraceSeconds: 120)) { stack in
            let cast = try await CrashCast(on: stack)
            let outcomes = try await Self.killAuthDuringWrites(stack, cast)
            try await Self.expectNotesFailedClosed(stack, cast, outcomes.notes)
            try await stack.start(.auth)
            try await stack.waitUntilReady([.auth])
            try await Self.expectAccountsWholeOrAbsent(stack, outcomes.signUps)
            try await Self.expectPasswordChangedOnceAndRefreshChainIntact(stack, cast, outcomes)
        }
    }

    /// Who writes while auth crashes: one account with three sessions, a new password, eight new e-mails.
    struct CrashCast: Sendable {
        let account: TestAccount
        /// Writes notes and changes the password.
        let writer: BearerSession
        /// Refreshes.
        let refresher: BearerSession
        /// Only refreshes after the restart, to see whether the password change ended it.
        let bystander: BearerSession
        let newPassword = "after-the-crash-\(UUID().uuidString.prefix(8))"
        let emails = (0..<8).map { "crash-\($0)-\(UUID().uuidString.lowercased())@e2e.example" }

        init(on stack: ServiceStack) async throws {
            self.account = try await TestAccount.create(on: stack)
            self.writer = try await self.account.login(on: stack)
            self.refresher = try await self.account.login(on: stack)
            self.bystander = try await self.account.login(on: stack)
        }
    }

    /// What the writes in flight got: each note write and sign-up by title or e-mail, the refresh, the password change.
    struct Outcomes: Sendable {
        let notes: [(String, Outcome)]
        let signUps: [(String, Outcome)]
        let refresh: Outcome
        let passwordChange: Outcome
    }

    /// Step 1: 40 note writes, 8 sign-ups, a refresh and a password change at once; auth is SIGKILLed
    /// once the first few writes have been answered, while the rest are in flight.
    static func killAuthDuringWrites(_ stack: ServiceStack, _ cast: CrashCast) async throws -> Outcomes {
        let (account, writer, refresher, newPassword, emails) = (cast.account, cast.writer, cast.refresher, cast.newPassword, cast.emails)
        let answered = SharedCounter()
        async let noteOutcomes: [(String, Outcome)] = withTaskGroup(of: (String, Outcome).self) { group in
            for index in 0..<40 {
                let title = "during-crash-\(index)"
                group.addTask {
                    let outcome = await Outcome.of {
                        try await HTTP.send(.post, stack.url(.notes, "/v1/notes"), bearer: writer.accessToken, json: ["title": .string(title)])
                    }
                    answered.increment()
                    return (title, outcome)
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        async let signUps: [(String, Outcome)] = withTaskGroup(of: (String, Outcome).self) { group in
            for email in emails {
                group.addTask {
                    (
                        email,
                        await Outcome.of {
                            try await HTTP.send(
                                .post,
                                stack.url(.auth, "/v1/accounts"),
                                json: ["email": .string(email), "password": "crash-password"]
                            )
                        }
                    )
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        async let refresh = Outcome.of {
            try await HTTP.send(.post, stack.url(.auth, "/v1/sessions/refresh"), json: ["refresh_token": .string(refresher.refreshToken)])
        }
        async let passwordChange = Outcome.of {
            try await HTTP.send(
                .put,
                stack.url(.auth, "/v1/accounts/me/password"),
                bearer: writer.accessToken,
                json: ["current_password": .string(account.password), "new_password": .string(newPassword)]
            )
        }
        // Kill auth once the first few writes have been answered, while the rest are in flight.
        let killDeadline = ContinuousClock.now + .seconds(5)
        while answered.value < 4, ContinuousClock.now < killDeadline {
            try await Task.sleep(for: .milliseconds(2))
        }
        await stack.kill(.auth)
        return Outcomes(notes: await noteOutcomes, signUps: await signUps, refresh: await refresh, passwordChange: await passwordChange)
    }

    /// Step 2: every note write answered 201 or 503 `auth-unavailable`, and exactly the 201 notes exist.
    static func expectNotesFailedClosed(_ stack: ServiceStack, _ cast: CrashCast, _ notes: [(String, Outcome)]) async throws {
        let writer = cast.writer
        for (title, outcome) in notes {
            switch outcome {
            case .response(let response) where response.status == 201: break
            case .response(let response):
                ResponseHygiene.expectProblem(response, status: 503, type: "auth-unavailable", secrets: [writer.accessToken])
            case .failed(let error): Issue.record("notes did not answer \(title): \(error)")
            }
        }
        let answered201 = Set(notes.filter { $0.1.status == 201 }.map(\.0))
        let listed = try await HTTP.send(.get, stack.url(.notes, "/v1/notes?limit=100"), bearer: writer.accessToken).json()
        let titles = Set(listed["items"]?.array?.compactMap { $0["title"]?.string } ?? [])
        #expect(titles == answered201, "notes in the database differ from the 201 answers (refused but written, or lost)")
        print("[authKilledDuringWrites] notes: \(answered201.count) × 201, \(notes.count - answered201.count) × 503")
    }

    /// Step 3, auth back: every account exists whole (its password logs in) or not at all (signing up again works).
    static func expectAccountsWholeOrAbsent(_ stack: ServiceStack, _ created: [(String, Outcome)]) async throws {
        for (email, outcome) in created {
            let login = try await HTTP.send(
                .post,
                stack.url(.auth, "/v1/sessions"),
                json: ["email": .string(email), "password": "crash-password"]
            )
            if outcome.status == 201 {
                #expect(login.status == 201, "an account answered 201 before the crash cannot log in")
            } else if login.status != 201 {
                let again = try await HTTP.send(
                    .post,
                    stack.url(.auth, "/v1/accounts"),
                    json: ["email": .string(email), "password": "crash-password"]
                )
                #expect(again.status == 201, "a half-made account blocks its e-mail: \(again.status)")
            }
        }
    }

    /// Step 4: exactly one of the old and new password works; the refresh chain goes on (a retry of the old
    /// token inside the grace gets the successor); other sessions end exactly when the password changed.
    static func expectPasswordChangedOnceAndRefreshChainIntact(_ stack: ServiceStack, _ cast: CrashCast, _ outcomes: Outcomes) async throws {
        let (account, writer, refresher, bystander, newPassword) = (cast.account, cast.writer, cast.refresher, cast.bystander, cast.newPassword)
        let (refreshOutcome, passwordOutcome) = (outcomes.refresh, outcomes.passwordChange)
        let oldWorks =
            try await HTTP.send(
                .post,
                stack.url(.auth, "/v1/sessions"),
                json: ["email": .string(account.email), "password": .string(account.password)]
            )
            .status == 201
        let newWorks =
            try await HTTP.send(
                .post,
                stack.url(.auth, "/v1/sessions"),
                json: ["email": .string(account.email), "password": .string(newPassword)]
            )
            .status == 201
        #expect(oldWorks != newWorks, "old password works: \(oldWorks), new: \(newWorks)")
        if passwordOutcome.status == 204 {
            #expect(newWorks, "a password change answered 204 was lost")
        }
        if !newWorks {
            // The password stayed: the refresh chain goes on, whether or not its answer came back.
            if case .response(let response) = refreshOutcome, response.status == 200 {
                _ = try await BearerSession(response.json()).refreshed(on: stack)
            } else {
                _ = try await refresher.refreshed(on: stack).refreshed(on: stack)
            }
        }
        let bystanderRefresh = try await HTTP.send(
            .post,
            stack.url(.auth, "/v1/sessions/refresh"),
            json: ["refresh_token": .string(bystander.refreshToken)]
        )
        #expect(bystanderRefresh.status == (newWorks ? 401 : 200), "other sessions must end exactly when the password changed")
        let again = try await HTTP.send(.post, stack.url(.notes, "/v1/notes"), bearer: writer.accessToken, json: ["title": "after restart"])
        #expect(again.status == 201 || (newWorks && again.status == 401))
    }

    /// notes, then profile, are SIGKILLed right after answering a write; started again, every
    /// acknowledged write is there (create, update, delete), and the same tokens keep working.
    @Test("a resource service killed right after answering loses nothing")
    func killedAfterAnswering() async throws {
        try await withStack { stack in
            let session = try await TestAccount.create(on: stack).login(on: stack)
            var kept: [JSONValue] = []
            for index in 0..<3 {
                let created = try await HTTP.send(
                    .post,
                    stack.url(.notes, "/v1/notes"),
                    bearer: session.accessToken,
                    json: ["title": .string("kept \(index)"), "body": "b"]
                )
                try #require(created.status == 201)
                await stack.kill(.notes)
                kept.append(try created.json())
                try await stack.start(.notes)
                try await stack.waitUntilReady([.notes])
            }
            let firstID = try #require(kept[0]["id"]?.string)
            let patched = try await HTTP.send(
                .patch,
                stack.url(.notes, "/v1/notes/\(firstID)"),
                bearer: session.accessToken,
                json: ["title": "patched"]
            )
            try #require(patched.status == 200)
            await stack.kill(.notes)
            try await stack.start(.notes)
            try await stack.waitUntilReady([.notes])
            let secondID = try #require(kept[1]["id"]?.string)
            try #require(try await HTTP.send(.delete, stack.url(.notes, "/v1/notes/\(secondID)"), bearer: session.accessToken).status == 204)
            await stack.kill(.notes)
            try await stack.start(.notes)
            try await stack.waitUntilReady([.notes])

            let list = try await HTTP.send(.get, stack.url(.notes, "/v1/notes"), bearer: session.accessToken).json()
            let items = list["items"]?.array ?? []
            #expect(items.count == 2)
            #expect(items.contains(try patched.json()), "the acknowledged PATCH was lost")
            #expect(items.contains(kept[2]), "an acknowledged create was lost")
            #expect(!items.contains { $0["id"]?.string == secondID }, "an acknowledged DELETE was lost")

            let put = try await HTTP.send(
                .put,
                stack.url(.profile, "/v1/profile"),
                bearer: session.accessToken,
                json: ["display_name": "kept", "bio": "b"]
            )
            try #require(put.status == 200)
            await stack.kill(.profile)
            try await stack.start(.profile)
            try await stack.waitUntilReady([.profile])
            #expect(try await HTTP.send(.get, stack.url(.profile, "/v1/profile"), bearer: session.accessToken).json() == put.json())
        }
    }

    /// auth is SIGKILLed and started again: bearer and cookie sessions alike keep writing,
    /// refreshing and listing their sessions. Nobody is logged out.
    @Test("auth killed and restarted logs nobody out")
    func authRestartLogsNobodyOut() async throws {
        try await withStack { stack in
            let account = try await TestAccount.create(on: stack)
            let bearer = try await account.login(on: stack)
            let jar = CookieJar()
            try await account.loginWithCookies(on: stack, jar: jar)
            let csrf = try #require(jar["csrf_token"]?.value)

            await stack.kill(.auth)
            try await stack.start(.auth)
            try await stack.waitUntilReady([.auth])

            #expect(try await HTTP.send(.post, stack.url(.notes, "/v1/notes"), bearer: bearer.accessToken, json: ["title": "bearer"]).status == 201)
            let cookieWrite = try await HTTP.send(
                .post,
                stack.url(.notes, "/v1/notes"),
                jar: jar,
                headers: ["X-CSRF-Token": csrf],
                json: ["title": "cookie"]
            )
            #expect(cookieWrite.status == 201)
            let sessions = try await HTTP.send(.get, stack.url(.auth, "/v1/sessions"), bearer: bearer.accessToken)
            #expect(try sessions.json()["items"]?.array?.count == 2)
            let rotated = try await bearer.refreshed(on: stack)
            #expect(
                try await HTTP.send(.put, stack.url(.profile, "/v1/profile"), bearer: rotated.accessToken, json: ["display_name": "x", "bio": nil])
                    .status == 200
            )
            let cookieRefresh = try await HTTP.send(.post, stack.url(.auth, "/v1/sessions/refresh"), jar: jar, headers: ["X-CSRF-Token": csrf])
            #expect(cookieRefresh.status == 200)
        }
    }

    /// With `SIGNING_KEY_ROTATION_SECONDS=4`, new tokens soon carry a new `kid`; notes and profile
    /// accept them at once (they pick up the new key), tokens of the old key keep working (reads and
    /// writes), both keys are published, and every session, used or idle, still refreshes.
    @Test("signing keys rotate without logging anyone out")
    func keyRotation() async throws {
        try await withStack(StackOptions(signingKeyRotationSeconds: 4)) { stack in
            let account = try await TestAccount.create(on: stack)
            var session = try await account.login(on: stack)
            let idle = try await account.login(on: stack)
            let oldToken = session.accessToken
            let oldKid = try Self.kid(of: oldToken)
            #expect(try await HTTP.send(.post, stack.url(.notes, "/v1/notes"), bearer: oldToken, json: ["title": "old key"]).status == 201)

            var kids = [oldKid]
            let deadline = ContinuousClock.now + .seconds(40)
            while kids.count < 3, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(700))
                session = try await session.refreshed(on: stack)
                let kid = try Self.kid(of: session.accessToken)
                if kid != kids.last {
                    kids.append(kid)
                    let token = session.accessToken
                    let read = try await HTTP.send(.get, stack.url(.notes, "/v1/notes"), bearer: token)
                    #expect(read.status == 200, "notes refused a token of the new key \(kid): \(read.text.prefix(200))")
                    let write = try await HTTP.send(
                        .post,
                        stack.url(.notes, "/v1/notes"),
                        bearer: token,
                        json: ["title": .string("key \(kid.prefix(6))")]
                    )
                    #expect(write.status == 201)
                    #expect(try await HTTP.send(.get, stack.url(.profile, "/v1/profile"), bearer: token).status == 200)
                    let published = try await PublishedKeys.fetch(from: stack).kids
                    #expect(published.isSuperset(of: Set(kids)), "a key with live tokens left the JWKS")
                }
            }
            #expect(kids.count == 3, "the signing key did not rotate twice within 40 s: \(kids)")
            #expect(
                try await HTTP.send(.get, stack.url(.notes, "/v1/notes"), bearer: oldToken).status == 200,
                "a token of the retired key stopped working"
            )
            #expect(try await HTTP.send(.post, stack.url(.notes, "/v1/notes"), bearer: oldToken, json: ["title": "old key, later"]).status == 201)
            #expect(try await HTTP.send(.get, stack.url(.profile, "/v1/profile"), bearer: oldToken).status == 200)
            _ = try await session.refreshed(on: stack)
            let idleRotated = try await idle.refreshed(on: stack)
            #expect(try Self.kid(of: idleRotated.accessToken) != oldKid)
        }
    }

    /// With auth gone, notes and profile keep verifying tokens with the keys they cached, also a
    /// token they have never seen, after several failed background refreshes; a token with an
    /// unknown `kid` is refused at once (the refetch fails fast), never accepted; writes are 503.
    @Test("cached keys keep verifying while auth's JWKS is unreachable")
    func jwksUnreachable() async throws {
        try await withStack(StackOptions(signingKeyRotationSeconds: 8)) { stack in
            let account = try await TestAccount.create(on: stack)
            let used = try await account.login(on: stack)
            let unseen = try await account.login(on: stack)
            #expect(try await HTTP.send(.get, stack.url(.notes, "/v1/notes"), bearer: used.accessToken).status == 200)
            let maxAge = try await PublishedKeys.fetch(from: stack).cacheControl ?? ""
            #expect(maxAge.contains("max-age=2"), "Cache-Control: \(maxAge)")

            await stack.kill(.auth)
            try await Task.sleep(for: .seconds(5))

            for service in ServiceKind.resourceServices {
                let path = service == .notes ? "/v1/notes" : "/v1/profile"
                #expect(
                    try await HTTP.send(.get, stack.url(service, path), bearer: unseen.accessToken).status == 200,
                    "\(service.rawValue): unseen token"
                )
                #expect(
                    try await HTTP.send(.get, stack.url(service, path), bearer: used.accessToken).status == 200,
                    "\(service.rawValue): used token"
                )
            }
            let forge = TokenForge()
            let claims = try TokenClaims.payload(of: unseen.accessToken)
            let forged = forge.signed(
                header: ["alg": "EdDSA", "typ": "at+jwt", "kid": .string(forge.kid)],
                payload: .object(
                    TokenForge.claims(
                        subject: try #require(claims["sub"]?.string),
                        session: try #require(claims["sid"]?.string),
                        issuedAt: TokenForge.currentTime
                    )
                )
            )
            let refused = try await HTTP.send(.get, stack.url(.notes, "/v1/notes"), bearer: forged)
            ResponseHygiene.expectProblem(refused, status: 401, type: "token-invalid", secrets: [forged])
            #expect(refused.duration < .seconds(3), "an unknown kid with auth down took \(refused.duration)")
            let write = try await HTTP.send(.post, stack.url(.notes, "/v1/notes"), bearer: unseen.accessToken, json: ["title": "no auth"])
            ResponseHygiene.expectProblem(write, status: 503, type: "auth-unavailable")

            try await stack.start(.auth)
            try await stack.waitUntilReady([.auth])
            let after = try await HTTP.send(.post, stack.url(.notes, "/v1/notes"), bearer: unseen.accessToken, json: ["title": "auth back"])
            #expect(after.status == 201)
        }
    }

    /// The `kid` in a token's header.
    static func kid(of token: String) throws -> String {
        let header = try #require(token.split(separator: ".").first)
        let bytes = try #require(Base64URLCoding.decode(header))
        return try #require(try JSONValue.parse(Data(bytes))["kid"]?.string)
    }
}
