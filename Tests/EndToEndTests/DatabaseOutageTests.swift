import Foundation
import TestSupport
import Testing

/// PostgreSQL stopped and started again under the running services, on a throwaway cluster of this
/// test's own (the shared test server must never restart: other suites use it in parallel).
@Suite("Database outage", .serviceLogsOnFailure, .timeLimit(.minutes(3)))
struct DatabaseOutageTests {
    /// The longest a request may take while the database is down: it must fail fast, not hang.
    static let failFast = Duration.seconds(5)

    /// While PostgreSQL is down every request that needs it answers 503 (problem+json, `Retry-After`)
    /// within ``failFast``, and `/readyz` of every service is 503; `/healthz` stays 200. Once it is
    /// back, everything recovers without restarting any service: the data from before is there, and
    /// reads, writes, logins and refreshes work with the tokens from before.
    @Test("PostgreSQL restarted under the running services")
    func postgresRestart() async throws {
        try await ThrowawayPostgres.with { cluster in
            try await withStack(postgres: cluster.server) { stack in
                let before = try await Self.seed(stack)
                try await cluster.stopServer()
                try await Self.expectFailingFast(stack, before)
                try await cluster.startServer()
                try await Self.expectRecovered(stack, before)
            }
        }
    }

    /// What stands before the outage: an account with a session and a note, and the services' processes.
    struct Before: Sendable {
        let account: TestAccount
        let session: BearerSession
        let note: JSONValue
        let noteID: String
        let pids: [Int32?]
    }

    /// Step 1: an account, a session and a note, with the database up.
    static func seed(_ stack: ServiceStack) async throws -> Before {
        let account = try await TestAccount.create(on: stack)
        let session = try await account.login(on: stack)
        let created = try await HTTP.send(.post, stack.url(.notes, "/v1/notes"), bearer: session.accessToken, json: ["title": "before"])
        try #require(created.status == 201)
        let note = try created.json()
        let noteID = try #require(note["id"]?.string)
        let pids = await ServiceKind.standard.asyncMap { await stack.pid(of: $0) }
        return Before(account: account, session: session, note: note, noteID: noteID, pids: pids)
    }

    /// Every request of the API that needs a database, by name.
    static func requestsNeedingTheDatabase(_ stack: ServiceStack, _ before: Before) -> [(String, () async throws -> TestResponse)] {
        let (account, session, noteID) = (before.account, before.session, before.noteID)
        return [
            ("notes list", { try await HTTP.send(.get, stack.url(.notes, "/v1/notes"), bearer: session.accessToken) }),
            ("note read", { try await HTTP.send(.get, stack.url(.notes, "/v1/notes/\(noteID)"), bearer: session.accessToken) }),
            (
                "note write",
                { try await HTTP.send(.post, stack.url(.notes, "/v1/notes"), bearer: session.accessToken, json: ["title": "down"]) }
            ),
            ("profile read", { try await HTTP.send(.get, stack.url(.profile, "/v1/profile"), bearer: session.accessToken) }),
            (
                "profile write",
                {
                    try await HTTP.send(
                        .put,
                        stack.url(.profile, "/v1/profile"),
                        bearer: session.accessToken,
                        json: ["display_name": "down", "bio": nil]
                    )
                }
            ),
            (
                "login",
                {
                    try await HTTP.send(
                        .post,
                        stack.url(.auth, "/v1/sessions"),
                        json: ["email": .string(account.email), "password": .string(account.password)]
                    )
                }
            ),
            (
                "refresh",
                {
                    try await HTTP.send(
                        .post,
                        stack.url(.auth, "/v1/sessions/refresh"),
                        json: ["refresh_token": .string(session.refreshToken)]
                    )
                }
            ),
            ("sessions", { try await HTTP.send(.get, stack.url(.auth, "/v1/sessions"), bearer: session.accessToken) }),
            (
                "sign-up",
                {
                    try await HTTP.send(
                        .post,
                        stack.url(.auth, "/v1/accounts"),
                        json: ["email": .string("down-\(UUID().uuidString.lowercased())@e2e.example"), "password": "password-down"]
                    )
                }
            ),
        ]
    }

    /// Step 2, the database down: every request that needs it, twice, answers 503 fast and clean;
    /// `/readyz` is 503 and `/healthz` 200 on every service.
    static func expectFailingFast(_ stack: ServiceStack, _ before: Before) async throws {
        let (account, session) = (before.account, before.session)
        let requests = self.requestsNeedingTheDatabase(stack, before)
        for round in 0..<2 {
            for (name, send) in requests {
                let response = try await send()
                ResponseHygiene.expectClean(response, secrets: [session.accessToken, session.refreshToken, account.password], allowing: 503)
                #expect(
                    response.status == 503,
                    "round \(round), \(name) with the database down: HTTP \(response.status) \(response.text.prefix(200))"
                )
                #expect(response.header("Content-Type")?.hasPrefix("application/problem+json") == true, "\(name)")
                #expect(response.header("Retry-After") != nil, "\(name): no Retry-After")
                #expect(response.duration < self.failFast, "round \(round), \(name) took \(response.duration) with the database down")
            }
        }
        for service in ServiceKind.standard {
            let ready = try await HTTP.send(.get, stack.url(service, "/readyz"))
            #expect(ready.status == 503, "\(service.rawValue) /readyz with the database down")
            #expect(ready.duration < self.failFast, "\(service.rawValue) /readyz took \(ready.duration)")
            #expect(try await HTTP.send(.get, stack.url(service, "/healthz")).status == 200)
        }
    }

    /// Step 3, the database back: no service restarted, the data from before is there, and reads,
    /// writes, refreshes, logins and the revocation feed work with the tokens from before.
    static func expectRecovered(_ stack: ServiceStack, _ before: Before) async throws {
        let (account, session, note, noteID, pids) = (before.account, before.session, before.note, before.noteID, before.pids)
        try await stack.waitUntilReady(ServiceKind.standard, timeout: .seconds(30))
        #expect(await ServiceKind.standard.asyncMap { await stack.pid(of: $0) } == pids, "a service was restarted")

        let read = try await HTTP.send(.get, stack.url(.notes, "/v1/notes/\(noteID)"), bearer: session.accessToken)
        #expect(read.status == 200)
        #expect(try read.json() == note)
        let list = try await HTTP.send(.get, stack.url(.notes, "/v1/notes"), bearer: session.accessToken).json()
        #expect(list["items"]?.array?.compactMap { $0["title"]?.string } == ["before"], "a write refused during the outage went through")
        #expect(
            try await HTTP.send(.post, stack.url(.notes, "/v1/notes"), bearer: session.accessToken, json: ["title": "after"]).status == 201
        )
        #expect(
            try await HTTP.send(
                .put,
                stack.url(.profile, "/v1/profile"),
                bearer: session.accessToken,
                json: ["display_name": "after", "bio": nil]
            )
            .status == 200
        )
        _ = try await session.refreshed(on: stack)
        let second = try await account.login(on: stack)

        // The revocation feed recovered too: a logout reaches notes' reads within seconds.
        try #require(try await HTTP.send(.delete, stack.url(.auth, "/v1/sessions/current"), bearer: second.accessToken).status == 204)
        let refused = try await SharedStackSuite.RevocationTests.firstRefusal(
            of: stack.url(.notes, "/v1/notes"),
            token: second.accessToken,
            since: .now,
            within: .seconds(10)
        )
        ProblemCheck.expect(refused.response, status: 401, type: "session-ended")
    }
}
