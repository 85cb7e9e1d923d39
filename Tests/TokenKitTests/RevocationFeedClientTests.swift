import AsyncHTTPClient
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import ServiceLifecycle
import Testing
import TokenKit
import TokenKitClients

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
        // Every reconnect replays the revocation, as auth does. Under the full suite's start-up load a new
        // connection's first bytes can take over a second, so the 1 s watchdog may replace several in a
        // row; a server whose scripts ran out after two would then send heartbeats only, and the test
        // would blame the client for a replay the stand-in never made.
        let replacement = RevocationFeedTestServer.Script(
            frames: [RevocationFeedTestServer.revoked(seq: 1, sid: late), RevocationFeedTestServer.heartbeat],
            ending: .heartbeats
        )
        let server = RevocationFeedTestServer(
            scripts: [.init(frames: [RevocationFeedTestServer.heartbeat], ending: .silence)] + Array(repeating: replacement, count: 50)
        )
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

    /// A peer that stalls in the middle of an event is replaced once the heartbeat timeout passes, and
    /// the new connection resumes after the last complete event (the half event, `id: 99`, is never
    /// applied). The server answers by `after`, not by connection number: under the full suite's load a
    /// first connection was once replaced by the 1 s watchdog before its first bytes arrived (the
    /// watchdog working, not the case under test), and a fixed number of stalling scripts then ran out.
    @Test func stallMidEventIsReplaced() async throws {
        let first = UUID()
        let late = UUID()
        let server = RevocationFeedTestServer(
            scripts: [],
            scriptsByAfter: [
                "0": .init(
                    frames: [RevocationFeedTestServer.revoked(seq: 4, sid: first), RevocationFeedTestServer.heartbeat],
                    ending: .stallMidFrame
                ),
                "4": .init(frames: [RevocationFeedTestServer.revoked(seq: 5, sid: late), RevocationFeedTestServer.heartbeat], ending: .heartbeats),
            ]
        )
        let revoked = RevokedSessions()
        let feed = try await self.run(server, revoked: revoked, heartbeatTimeout: .seconds(1)) { _ in revoked.contains(late) }
        #expect(revoked.contains(first) && revoked.contains(late))
        #expect(server.afterValues.contains("4"), "no reconnect resumed after the last complete event: \(server.afterValues)")
        #expect(!server.afterValues.contains("99"))
        #expect(feed.lastSequence == 5)
    }

    /// How auth's feed can come back lower than the client left it.
    enum Restart: String, CaseIterable, Sendable {
        /// Another epoch (auth's database was recreated): the new sequence starts again at 1.
        case newEpoch = "new epoch"
        /// The same epoch with a head behind the last `seq` applied (restored from an older backup).
        case headBehind = "head behind"

        /// The epoch and head of the returning feed, and the `seq` of the revocation it then sends.
        var returning: (epoch: String, head: Int64, seq: Int64) {
            switch self {
            case .newEpoch: ("b", 9, 1)
            case .headBehind: ("a", 2, 2)
            }
        }
    }

    /// A feed that comes back lower on reconnect: the client keeps what it knows and replays the new
    /// feed from the start (`after=0`), instead of asking for events after a number the new sequence
    /// has not reached (before: it asked for `after=7` and missed the new revocations).
    @Test(arguments: Restart.allCases)
    func restartedFeedReplaysFromTheStart(_ restart: Restart) async throws {
        let old = UUID()
        let new = UUID()
        let (epoch, head, seq) = restart.returning
        let server = RevocationFeedTestServer(scripts: [
            .init(
                frames: [
                    RevocationFeedTestServer.epoch("a", head: 7), RevocationFeedTestServer.revoked(seq: 7, sid: old),
                    RevocationFeedTestServer.heartbeat,
                ],
                ending: .close
            ),
            .init(frames: [RevocationFeedTestServer.epoch(epoch, head: head)], ending: .heartbeats),
            .init(
                frames: [
                    RevocationFeedTestServer.epoch(epoch, head: head), RevocationFeedTestServer.revoked(seq: seq, sid: new),
                    RevocationFeedTestServer.heartbeat,
                ],
                ending: .heartbeats
            ),
        ])
        let revoked = RevokedSessions()
        let feed = try await self.run(server, revoked: revoked) { _ in revoked.contains(new) }
        #expect(revoked.contains(old) && revoked.contains(new))
        #expect(Array(server.afterValues.prefix(3)) == ["0", "7", "0"])
        #expect(feed.epoch == epoch)
        #expect(feed.resynchronisations == 1)
        #expect(feed.lastSequence == seq)
    }

    /// An unchanged epoch with a head at or past the last `seq` is an ordinary reconnect.
    @Test func sameEpochResumes() async throws {
        let early = UUID()
        let late = UUID()
        let server = RevocationFeedTestServer(scripts: [
            .init(
                frames: [
                    RevocationFeedTestServer.epoch("a", head: 3), RevocationFeedTestServer.revoked(seq: 3, sid: early),
                    RevocationFeedTestServer.heartbeat,
                ],
                ending: .close
            ),
            .init(
                frames: [
                    RevocationFeedTestServer.epoch("a", head: 4), RevocationFeedTestServer.revoked(seq: 4, sid: late),
                    RevocationFeedTestServer.heartbeat,
                ],
                ending: .heartbeats
            ),
        ])
        let revoked = RevokedSessions()
        let feed = try await self.run(server, revoked: revoked) { _ in revoked.contains(late) }
        #expect(Array(server.afterValues.prefix(2)) == ["0", "3"])
        #expect(feed.resynchronisations == 0)
        #expect(feed.lastSequence == 4)
    }
}
