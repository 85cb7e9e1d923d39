import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import TestSupport
import Testing

/// `GET /internal/v1/revocations`: the revocation feed as Server-Sent Events, over a real socket.
@Suite(.timeLimit(.minutes(1)))
struct RevocationFeedEndpointTests {
    /// The JSON of a `revoked` event.
    static func fields(_ event: FeedReader.Event) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(event.data.utf8)) as? [String: Any])
    }

    /// On connect: the replay (a revocation made before), then a heartbeat; then a revocation made
    /// after connecting arrives live; each event has exactly seq, sid, sub, revoked_at, reason.
    @Test func replayThenHeartbeatThenLive() async throws {
        try await TestApp.run(setup: .live) { api in
            let port = try #require(api.client.port)
            let (user, before) = try await api.loggedInUser("feed")
            let after = try await api.bearerSession(user)
            let logout = try await api.send(.delete, "/v1/sessions/current", headers: .bearer(before.accessToken))
            #expect(logout.status == .noContent)

            let opened = try await FeedReader.open(port: port, after: nil, credentials: "notes:notes-secret")
            var reader = try #require(opened.reader)
            let replayed = try await reader.next { $0.name == "revoked" && $0.data.contains(before.sessionID) }
            let fields = try Self.fields(replayed)
            #expect(Set(fields.keys) == ["seq", "sid", "sub", "revoked_at", "reason"])
            #expect(fields["reason"] as? String == "logout")
            #expect(UUID(uuidString: fields["sub"] as? String ?? "") != nil)
            let revokedAt = try #require(fields["revoked_at"] as? String)
            #expect(try Date(revokedAt, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)) <= Date())
            _ = try await reader.next { $0.name == "heartbeat" }

            let revoke = try await api.send(.delete, "/v1/sessions/current", headers: .bearer(after.accessToken))
            #expect(revoke.status == .noContent)
            let live = try await reader.next { $0.name == "revoked" && $0.data.contains(after.sessionID) }
            #expect(try Self.fields(live)["seq"] as? Int ?? 0 > fields["seq"] as? Int ?? 0)
        }
    }

    /// An idle stream gets a heartbeat at least every 5 s, not only the one after the replay.
    @Test func idleStreamGetsPeriodicHeartbeats() async throws {
        try await TestApp.run(setup: .live) { api in
            let port = try #require(api.client.port)
            var reader = try #require(try await FeedReader.open(port: port, after: nil, credentials: "notes:notes-secret").reader)
            _ = try await reader.next { $0.name == "heartbeat" }
            let clock = ContinuousClock()
            for _ in 0..<2 {
                let started = clock.now
                _ = try await reader.next { $0.name == "heartbeat" }
                let gap = clock.now - started
                #expect(gap <= .seconds(5), "heartbeat gap \(gap)")
            }
        }
    }

    /// `after=<seq>` skips everything up to that sequence number.
    @Test func afterSkipsEarlierEvents() async throws {
        try await TestApp.run(setup: .live) { api in
            let port = try #require(api.client.port)
            let (user, first) = try await api.loggedInUser("feed-after")
            let second = try await api.bearerSession(user)
            #expect(try await api.send(.delete, "/v1/sessions/current", headers: .bearer(first.accessToken)).status == .noContent)
            var reader = try #require(try await FeedReader.open(port: port, after: nil, credentials: "notes:notes-secret").reader)
            let firstEvent = try await reader.next { $0.data.contains(first.sessionID) }
            let seq = try #require(try Self.fields(firstEvent)["seq"] as? Int)
            #expect(try await api.send(.delete, "/v1/sessions/current", headers: .bearer(second.accessToken)).status == .noContent)

            var resumed = try #require(try await FeedReader.open(port: port, after: String(seq), credentials: "notes:notes-secret").reader)
            let next = try await resumed.next { $0.name == "revoked" && $0.data.contains(second.sessionID) }
            #expect(try Self.fields(next)["seq"] as? Int ?? 0 > seq)
            #expect(!resumed.events.contains { $0.data.contains(first.sessionID) })
        }
    }

    /// Without the service's Basic credentials: 401 with a problem body only; a bad `after`: 400.
    @Test func refusesStrangersAndBadCursors() async throws {
        try await TestApp.run(setup: .live) { api in
            let port = try #require(api.client.port)
            #expect(try await FeedReader.open(port: port, after: nil, credentials: nil).status == 401)
            #expect(try await FeedReader.open(port: port, after: nil, credentials: "notes:wrong").status == 401)
            #expect(try await FeedReader.open(port: port, after: nil, credentials: "stranger:notes-secret").status == 401)
            #expect(try await FeedReader.open(port: port, after: "-1", credentials: "notes:notes-secret").status == 400)
            #expect(try await FeedReader.open(port: port, after: "abc", credentials: "notes:notes-secret").status == 400)
            let response = try await api.send(.get, "/internal/v1/revocations")
            #expect(response.headers[.wwwAuthenticate] == nil)
            #expect(response.headers[.contentType] == "application/problem+json")
        }
    }
}
