import TestSupport
import Testing

/// Safe requests are verified locally and never call `auth`; dangerous ones call introspection.
///
/// Counts calls with auth's own `/metrics`: Hummingbird's `hb_requests` counter with
/// `http_route="/internal/v1/introspect"`. A stack of its own keeps other tests' writes out of the count.
@Suite("Introspection calls", .serviceLogsOnFailure, .timeLimit(.minutes(2)))
struct IntrospectionCountTests {
    /// 20 reads on notes (and 5 on profile) leave auth's introspection count unchanged; one write adds exactly one.
    @Test("reads never call auth; a write calls introspection once")
    func readsDoNotIntrospect() async throws {
        try await withStack { stack in
            let session = try await TestAccount.create(on: stack).login(on: stack)
            let created = try await HTTP.send(.post, stack.url(.notes, "/v1/notes"), bearer: session.accessToken, json: ["title": "counted"])
            try #require(created.status == 201)
            let id = try #require(try created.json()["id"]?.string)
            let before = try await Self.introspections(on: stack, atLeast: 1)

            for index in 0..<20 {
                let path = index.isMultiple(of: 2) ? "/v1/notes" : "/v1/notes/\(id)"
                #expect(try await HTTP.send(.get, stack.url(.notes, path), bearer: session.accessToken).status == 200)
            }
            for _ in 0..<5 {
                #expect(try await HTTP.send(.get, stack.url(.profile, "/v1/profile"), bearer: session.accessToken).status == 200)
            }
            #expect(try await Self.introspections(on: stack) == before, "a safe request called auth's introspection")

            let write = try await HTTP.send(.post, stack.url(.notes, "/v1/notes"), bearer: session.accessToken, json: ["title": "one more"])
            #expect(write.status == 201)
            #expect(try await Self.introspections(on: stack, atLeast: before + 1) == before + 1)
        }
    }

    /// A revoked session's reads are refused through the revocation feed, still without a call to
    /// auth per request: the introspection count stays at zero.
    @Test("reads of a revoked session are refused without calling auth")
    func revokedReadsDoNotIntrospect() async throws {
        try await withStack { stack in
            let account = try await TestAccount.create(on: stack)
            let first = try await account.login(on: stack)
            let second = try await account.login(on: stack)
            #expect(try await HTTP.send(.get, stack.url(.notes, "/v1/notes"), bearer: first.accessToken).status == 200)
            let before = try await Self.introspections(on: stack)

            let revoked = try await HTTP.send(.delete, stack.url(.auth, "/v1/sessions/\(first.sessionID)"), bearer: second.accessToken)
            try #require(revoked.status == 204)
            let deadline = ContinuousClock.now + .seconds(3)
            var last = try await HTTP.send(.get, stack.url(.notes, "/v1/notes"), bearer: first.accessToken)
            while last.status == 200, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
                last = try await HTTP.send(.get, stack.url(.notes, "/v1/notes"), bearer: first.accessToken)
            }
            ProblemCheck.expect(last, status: 401, type: "session-ended")
            for _ in 0..<10 {
                ProblemCheck.expect(
                    try await HTTP.send(.get, stack.url(.profile, "/v1/profile"), bearer: first.accessToken),
                    status: 401,
                    type: "session-ended"
                )
                #expect(try await HTTP.send(.get, stack.url(.notes, "/v1/notes"), bearer: second.accessToken).status == 200)
            }
            #expect(try await Self.introspections(on: stack) == before, "a safe request called auth's introspection")
        }
    }

    /// The number of introspection requests auth has answered, read from its `/metrics`. With
    /// `atLeast`, polls briefly for it (the counter is bumped once the response is written).
    static func introspections(on stack: ServiceStack, atLeast minimum: Double = 0) async throws -> Double {
        let deadline = ContinuousClock.now + .seconds(3)
        while true {
            let metrics = try await HTTP.send(.get, stack.url(.auth, "/metrics"))
            try #require(metrics.status == 200)
            let count = PrometheusText.sum("hb_requests", labels: ["http_route": "/internal/v1/introspect"], in: metrics.text)
            if count >= minimum || ContinuousClock.now >= deadline { return count }
            try await Task.sleep(for: .milliseconds(50))
        }
    }
}
