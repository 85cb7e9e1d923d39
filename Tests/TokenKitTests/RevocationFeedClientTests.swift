import AsyncHTTPClient
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import ServiceLifecycle
import Testing
import TokenKit

/// ``RevocationFeedClient`` against a live in-process feed server.
@Suite("Revocation feed client")
struct RevocationFeedClientTests {
    static var logger: Logger {
        var logger = Logger(label: "RevocationFeedClientTests")
        logger.logLevel = .critical
        return logger
    }

    /// Runs a feed client against `server` until `condition` holds (or 10 s pass), then stops it.
    func run(
        _ server: RevocationFeedTestServer,
        revoked: RevokedSessions,
        heartbeatTimeout: Duration = .seconds(10),
        until condition: @escaping @Sendable (RevocationFeedClient) -> Bool
    ) async throws -> RevocationFeedClient {
        try await server.application().test(.live) { client in
            let port = try #require(client.port)
            let feed = RevocationFeedClient(
                authURL: "http://127.0.0.1:\(port)",
                clientID: "notes",
                clientSecret: "secret",
                httpClient: .shared,
                revoked: revoked,
                heartbeatTimeout: heartbeatTimeout,
                logger: Self.logger
            )
            let task = Task { try await feed.run() }
            defer { task.cancel() }
            let deadline = ContinuousClock.now + .seconds(30)
            while !condition(feed), ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
            }
            return feed
        }
    }

    /// The replay fills the set; the first heartbeat marks it complete; credentials are Basic.
    @Test func replayThenHeartbeatMarksReady() async throws {
        let first = UUID()
        let second = UUID()
        let server = RevocationFeedTestServer(scripts: [
            .init(
                frames: [RevocationFeedTestServer.revoked(seq: 3, sid: first), RevocationFeedTestServer.revoked(seq: 4, sid: second)],
                ending: .heartbeats
            )
        ])
        let revoked = RevokedSessions()
        let feed = try await self.run(server, revoked: revoked) { $0.hasReplayed }
        #expect(feed.hasReplayed)
        #expect(revoked.contains(first) && revoked.contains(second))
        #expect(feed.lastSequence == 4)
        #expect(server.afterValues.first == "0")
        #expect(server.authorizations.first == "Basic " + Data("notes:secret".utf8).base64EncodedString())
    }

    /// Without a heartbeat the replay is not known to be complete, so the client is not ready.
    @Test func noHeartbeatMeansNotReplayed() async throws {
        let server = RevocationFeedTestServer(scripts: [
            .init(frames: [RevocationFeedTestServer.revoked(seq: 1, sid: UUID())], ending: .silence)
        ])
        let feed = try await self.run(server, revoked: RevokedSessions()) { $0.lastSequence == 1 }
        try await Task.sleep(for: .milliseconds(200))
        #expect(!feed.hasReplayed)
    }

    /// A connection that ends is replaced by one that asks for `after=<last seq>`: no event is lost.
    @Test func reconnectResumesAfterLastSequence() async throws {
        let early = UUID()
        let late = UUID()
        let server = RevocationFeedTestServer(scripts: [
            .init(frames: [RevocationFeedTestServer.revoked(seq: 7, sid: early), RevocationFeedTestServer.heartbeat], ending: .close),
            .init(frames: [RevocationFeedTestServer.revoked(seq: 8, sid: late), RevocationFeedTestServer.heartbeat], ending: .heartbeats),
        ])
        let revoked = RevokedSessions()
        let feed = try await self.run(server, revoked: revoked) { $0.lastSequence == 8 }
        #expect(revoked.contains(early) && revoked.contains(late))
        #expect(Array(server.afterValues.prefix(2)) == ["0", "7"])
        #expect(feed.lastSequence == 8)
    }

    /// A connection that goes silent past the heartbeat timeout is replaced.
    @Test func silentConnectionIsReplaced() async throws {
        let late = UUID()
        let server = RevocationFeedTestServer(scripts: [
            .init(frames: [RevocationFeedTestServer.heartbeat], ending: .silence),
            .init(frames: [RevocationFeedTestServer.revoked(seq: 1, sid: late), RevocationFeedTestServer.heartbeat], ending: .heartbeats),
        ])
        let revoked = RevokedSessions()
        _ = try await self.run(server, revoked: revoked, heartbeatTimeout: .seconds(1)) { _ in revoked.contains(late) }
        #expect(revoked.contains(late))
        #expect(server.afterValues.count >= 2)
    }

    /// A revocation older than the retention is dropped at the next heartbeat: no token of it can be alive.
    @Test func revocationsOlderThanRetentionArePruned() async throws {
        let ancient = UUID()
        let server = RevocationFeedTestServer(scripts: [
            .init(
                frames: [
                    RevocationFeedTestServer.revoked(seq: 1, sid: ancient, revokedAt: Date().addingTimeInterval(-2 * 86_400)),
                    RevocationFeedTestServer.heartbeat,
                ],
                ending: .heartbeats
            )
        ])
        let revoked = RevokedSessions()
        let feed = try await self.run(server, revoked: revoked) { $0.hasReplayed }
        #expect(feed.lastSequence == 1)
        #expect(!revoked.contains(ancient))
    }

    /// An unreadable event is skipped without breaking the stream.
    @Test func unreadableEventIsSkipped() async throws {
        let good = UUID()
        let server = RevocationFeedTestServer(scripts: [
            .init(
                frames: [
                    "event: revoked\ndata: {not json\n\n", RevocationFeedTestServer.revoked(seq: 2, sid: good), RevocationFeedTestServer.heartbeat,
                ],
                ending: .heartbeats
            )
        ])
        let revoked = RevokedSessions()
        let feed = try await self.run(server, revoked: revoked) { $0.hasReplayed }
        #expect(revoked.contains(good))
        #expect(revoked.count == 1)
        #expect(feed.lastSequence == 2)
    }
}
