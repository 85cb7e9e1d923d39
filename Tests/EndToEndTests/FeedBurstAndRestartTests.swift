import Foundation
import TestSupport
import Testing

/// The revocation feed under a burst and after a restart of `auth`'s sequence, across the real
/// processes: every revocation reaches every resource service, and a session revoked before a
/// resource service (re)starts is never accepted by it.
@Suite("Feed bursts and restarts", .serialized, .serviceLogsOnFailure, .timeLimit(.minutes(3)))
struct FeedBurstAndRestartTests {
    /// How far a resource service's feed has read, from its `/metrics`.
    static func lastSequence(of service: ServiceKind, on stack: ServiceStack) async throws -> Double {
        let text = try await HTTP.send(.get, stack.url(service, "/metrics")).text
        return PrometheusText.sum("latchkey_revocation_feed_last_seq", in: text)
    }

    /// One account with 15,000 sessions (inserted with one statement) and three real ones; one
    /// `DELETE /v1/sessions` revokes all 15,003, more than a subscriber's buffer (10,000) holds. Both resource
    /// services read the feed up to the last sequence number (each cut off and resumed from the
    /// replay, never skipped), and refuse every real token of the account afterwards.
    ///
    /// 15,000, not 40,000: the two services are debug builds that take in about 6,000 events a second
    /// each on a quiet 2-core machine, and at a load average of 15 (other suites running) 40,003 took
    /// them over 60 s. The 40,001-event burst against a subscriber that really stops reading is
    /// `RevocationBurstTests` in AuthServiceTests.
    @Test("a burst of 15,003 revocations reaches every resource service")
    func burstReachesEveryResourceService() async throws {
        try await withStack { stack in
            let account = try await TestAccount.create(on: stack)
            let sessions = [try await account.login(on: stack), try await account.login(on: stack), try await account.login(on: stack)]
            for service in ServiceKind.resourceServices {
                let path = service == .notes ? "/v1/notes" : "/v1/profile"
                #expect(try await HTTP.send(.get, stack.url(service, path), bearer: sessions[0].accessToken).status == 200)
            }
            let database = stack.databaseName(.auth)
            _ = try await stack.databaseServer.query(
                """
                INSERT INTO sessions (id, account_id, created_at, last_used_at, idle_expires_at, absolute_expires_at,
                                      generation_started_at, csrf_hash)
                SELECT gen_random_uuid(), '\(account.id)', now(), now(), now() + interval '1 day', now() + interval '2 days', now(), 'burst'
                FROM generate_series(1, 15000)
                """,
                database: database
            )

            let started = ContinuousClock.now
            let revoked = try await HTTP.send(.delete, stack.url(.auth, "/v1/sessions"), bearer: sessions[0].accessToken)
            let took = ContinuousClock.now - started
            #expect(revoked.status == 204)
            let counted = try await stack.databaseServer.query(
                "SELECT count(*), max(seq) FROM revocations WHERE account_id = '\(account.id)'",
                database: database
            )
            let row = try #require(counted.first)
            #expect(row[0] == "15003")
            let head = try #require(Double(row[1]))

            let deadline = ContinuousClock.now + .seconds(60)
            for service in ServiceKind.resourceServices {
                var reached = try await Self.lastSequence(of: service, on: stack)
                while reached < head, ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(200))
                    reached = try await Self.lastSequence(of: service, on: stack)
                }
                #expect(reached >= head, "\(service.rawValue) read the feed to \(reached), not \(head)")
                let path = service == .notes ? "/v1/notes" : "/v1/profile"
                for session in sessions {
                    let read = try await HTTP.send(.get, stack.url(service, path), bearer: session.accessToken)
                    ProblemCheck.expect(read, status: 401, type: "session-ended")
                }
            }
            let reachedAfter = ContinuousClock.now - started
            print("[burstReachesEveryResourceService] revoke-all of 15,003 sessions: \(took); both services at seq \(head) after \(reachedAfter)")
        }
    }

    /// auth's database goes back to an older state (the revocations and their sequence restored from a
    /// backup taken before the last three revocations): the next revocation gets a sequence number the
    /// resource services have already read past. They notice (the epoch event's head is behind them),
    /// replay the feed from the start, and refuse the newly revoked session. Before: they resumed with
    /// `after=3` and every new event was filtered out as old.
    @Test("a revocation sequence that restarts lower is noticed and replayed")
    func sequenceRestartedLowerIsReplayed() async throws {
        try await withStack { stack in
            let account = try await TestAccount.create(on: stack)
            let early = [try await account.login(on: stack), try await account.login(on: stack), try await account.login(on: stack)]
            let doomed = try await account.login(on: stack)
            let keeper = try await account.login(on: stack)
            for session in early {
                let response = try await HTTP.send(.delete, stack.url(.auth, "/v1/sessions/\(session.sessionID)"), bearer: keeper.accessToken)
                try #require(response.status == 204)
            }
            for service in ServiceKind.resourceServices {
                let path = service == .notes ? "/v1/notes" : "/v1/profile"
                let refused = try await SharedStackSuite.RevocationTests.firstRefusal(
                    of: stack.url(service, path),
                    token: early[2].accessToken,
                    since: .now
                )
                ProblemCheck.expect(refused.response, status: 401, type: "session-ended")
            }

            await stack.stop(.auth)
            _ = try await stack.databaseServer.query(
                "TRUNCATE revocations; ALTER SEQUENCE revocations_seq_seq RESTART WITH 1",
                database: stack.databaseName(.auth)
            )
            try await stack.start(.auth)
            try await stack.waitUntilReady([.auth])
            let response = try await HTTP.send(.delete, stack.url(.auth, "/v1/sessions/\(doomed.sessionID)"), bearer: keeper.accessToken)
            try #require(response.status == 204)
            let seq = try await stack.databaseServer.query("SELECT max(seq) FROM revocations", database: stack.databaseName(.auth))
            #expect(seq.first?.first == "1")

            let start = ContinuousClock.now
            for service in ServiceKind.resourceServices {
                let path = service == .notes ? "/v1/notes" : "/v1/profile"
                let refused = try await SharedStackSuite.RevocationTests.firstRefusal(
                    of: stack.url(service, path),
                    token: doomed.accessToken,
                    since: start,
                    within: .seconds(20)
                )
                ProblemCheck.expect(refused.response, status: 401, type: "session-ended")
                #expect(try await HTTP.send(.get, stack.url(service, path), bearer: keeper.accessToken).status == 200)
                let metrics = try await HTTP.send(.get, stack.url(service, "/metrics")).text
                #expect(PrometheusText.sum("latchkey_revocation_feed_resynchronisations_total", in: metrics) >= 1)
                print("[sequenceRestartedLowerIsReplayed] \(service.rawValue) refused the session \(refused.after) after its revocation")
            }
        }
    }

    /// A resource service that starts while auth is away serves no request until it has the keys and
    /// the replay: a session revoked before the restart is answered 503 `auth-unavailable` (with
    /// `Retry-After`), never 200, and 401 `session-ended` once auth is back.
    @Test("a resource service that starts serves no read before its keys and replay")
    func noReadBeforeKeysAndReplay() async throws {
        try await withStack { stack in
            let account = try await TestAccount.create(on: stack)
            let doomed = try await account.login(on: stack)
            let logout = try await HTTP.send(.delete, stack.url(.auth, "/v1/sessions/current"), bearer: doomed.accessToken)
            try #require(logout.status == 204)
            await stack.stop(.auth)
            await stack.stop(.notes)
            try await stack.start(.notes)
            try await stack.waitUntilListening([.notes])

            for method in [HTTP.Method.get, .post] {
                let response = try await HTTP.send(method, stack.url(.notes, "/v1/notes"), bearer: doomed.accessToken)
                ProblemCheck.expect(response, status: 503, type: "auth-unavailable")
                #expect(response.header("Retry-After") != nil)
            }
            #expect(try await HTTP.send(.get, stack.url(.notes, "/readyz")).status == 503)

            try await stack.start(.auth)
            try await stack.waitUntilReady([.auth, .notes])
            let read = try await HTTP.send(.get, stack.url(.notes, "/v1/notes"), bearer: doomed.accessToken)
            ProblemCheck.expect(read, status: 401, type: "session-ended")
        }
    }
}
