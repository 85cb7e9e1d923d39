import Foundation
import TestSupport
import Testing

/// The revocation feed across processes: two `auth` replicas on one database, resource services
/// subscribed to one of them. Revocations made through either replica cut off reads within 1 s,
/// are replayed to a service that starts later, and survive a cut feed connection.
@Suite("Revocation feed", .serviceLogsOnFailure, .timeLimit(.minutes(2)))
struct RevocationFeedTests {
    /// A session revoked through the replica that notes is NOT subscribed to: the next safe read with
    /// its unexpired token is refused within 1 s, with no call to auth per request.
    @Test("a revocation through another auth replica reaches reads within 1 s")
    func revocationThroughOtherReplica() async throws {
        try await withStack { stack in
            try await stack.start(.authReplica)
            try await stack.waitUntilReady([.authReplica])
            let account = try await TestAccount.create(on: stack)
            let doomed = try await account.login(on: stack)
            let keeper = try await account.login(on: stack)
            try #require(try await HTTP.send(.get, stack.url(.notes, "/v1/notes"), bearer: doomed.accessToken).status == 200)

            let revoked = try await HTTP.send(.delete, stack.url(.authReplica, "/v1/sessions/\(doomed.sessionID)"), bearer: keeper.accessToken)
            try #require(revoked.status == 204)
            let start = ContinuousClock.now
            for url in [stack.url(.notes, "/v1/notes"), stack.url(.profile, "/v1/profile")] {
                let refused = try await SharedStackSuite.RevocationTests.firstRefusal(of: url, token: doomed.accessToken, since: start)
                ProblemCheck.expect(refused.response, status: 401, type: "session-ended")
                #expect(refused.after <= .seconds(1), "read still served \(refused.after) after the revocation")
            }
            #expect(try await HTTP.send(.get, stack.url(.notes, "/v1/notes"), bearer: keeper.accessToken).status == 200)
        }
    }

    /// A resource service started after the revocation learns it from the replay before it is ready.
    @Test("a service started after a revocation refuses the revoked token (replay)")
    func replayOnStart() async throws {
        try await withStack { stack in
            let account = try await TestAccount.create(on: stack)
            let doomed = try await account.login(on: stack)
            let logout = try await HTTP.send(.delete, stack.url(.auth, "/v1/sessions/current"), bearer: doomed.accessToken)
            try #require(logout.status == 204)
            await stack.stop(.notes)
            try await stack.start(.notes)
            try await stack.waitUntilReady([.notes])
            let read = try await HTTP.send(.get, stack.url(.notes, "/v1/notes"), bearer: doomed.accessToken)
            ProblemCheck.expect(read, status: 401, type: "session-ended")
        }
    }

    /// The feed connection is cut (the subscribed auth stops), a session is revoked meanwhile through
    /// the other replica, and the connection comes back: the event is not lost.
    @Test("a cut and restored feed connection loses no event")
    func cutAndRestored() async throws {
        try await withStack { stack in
            try await stack.start(.authReplica)
            try await stack.waitUntilReady([.authReplica])
            let account = try await TestAccount.create(on: stack)
            let before = try await account.login(on: stack)
            let during = try await account.login(on: stack)
            let keeper = try await account.login(on: stack)

            let first = try await HTTP.send(.delete, stack.url(.authReplica, "/v1/sessions/\(before.sessionID)"), bearer: keeper.accessToken)
            try #require(first.status == 204)
            let refusedBefore = try await SharedStackSuite.RevocationTests.firstRefusal(
                of: stack.url(.notes, "/v1/notes"),
                token: before.accessToken,
                since: .now
            )
            ProblemCheck.expect(refusedBefore.response, status: 401, type: "session-ended")

            await stack.stop(.auth)
            let second = try await HTTP.send(.delete, stack.url(.authReplica, "/v1/sessions/\(during.sessionID)"), bearer: keeper.accessToken)
            try #require(second.status == 204)
            let whileCut = try await HTTP.send(.get, stack.url(.notes, "/v1/notes"), bearer: during.accessToken)
            #expect(whileCut.status == 200, "with the feed cut, reads fall back to local verification")

            try await stack.start(.auth)
            try await stack.waitUntilReady([.auth])
            let refused = try await SharedStackSuite.RevocationTests.firstRefusal(
                of: stack.url(.notes, "/v1/notes"),
                token: during.accessToken,
                since: ContinuousClock.now,
                within: .seconds(15)
            )
            ProblemCheck.expect(refused.response, status: 401, type: "session-ended")
            let stillRefused = try await HTTP.send(.get, stack.url(.notes, "/v1/notes"), bearer: before.accessToken)
            ProblemCheck.expect(stillRefused, status: 401, type: "session-ended")
            #expect(try await HTTP.send(.get, stack.url(.notes, "/v1/notes"), bearer: keeper.accessToken).status == 200)
        }
    }
}
