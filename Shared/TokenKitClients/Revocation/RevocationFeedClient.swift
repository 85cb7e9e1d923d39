import AsyncHTTPClient
import Foundation
import Logging
import Metrics
import NIOCore
import NIOHTTP1
import ServiceLifecycle
import Synchronization
import TokenKit

/// Subscribes a resource service to `auth`'s revocation feed, fills `RevokedSessions` (TokenKit), and hands
/// every account deletion to the service (which deletes that user's data).
///
/// Connects at start with `after=0`, reads the replay, and treats the first heartbeat as the end
/// of the replay (``hasReplayed``, which `/readyz` waits for). Then applies events as they come.
/// A connection that breaks, ends, or stays silent longer than the heartbeat timeout is replaced,
/// with backoff, by one that asks for `after=<last seq>`, so no event is lost. While disconnected,
/// reads fall back to local verification alone (bounded by the token lifetime): a warning log and
/// the `latchkey_revocation_feed_connected` gauge say so; writes are confirmed online anyway.
///
/// Every stream starts with an `epoch` event: the feed's epoch (a new `auth` database has a new one)
/// and the last sequence number `auth` has handed out. When the epoch changes, or the head is behind
/// the last `seq` applied here (the database was restored from an older backup), the sequence has
/// restarted: the client keeps every revocation it knows, forgets its position, and reconnects with
/// `after=0`, instead of asking for events after a number the new sequence has not reached.
public final class RevocationFeedClient: Service, Sendable {
    /// The feed's progress, shared with `/readyz` and tests.
    struct State {
        var lastSeq: Int64 = 0
        var replayed = false
        var lastActivity = ContinuousClock.now
        var epoch: String?
        var resynchronisations = 0
    }

    private let url: String
    private let authorization: String
    private let httpClient: HTTPClient
    private let revoked: RevokedSessions
    private let onAccountDeleted: @Sendable (UUID, Date) -> Void
    private let heartbeatTimeout: Duration
    private let logger: Logger
    private let state = Mutex(State())
    // Made once, with the client (after the executable bootstrapped its metrics backend), not per event.
    private let connected = Gauge(label: "latchkey_revocation_feed_connected")
    private let resynchronisationsCounter = Counter(label: "latchkey_revocation_feed_resynchronisations_total")
    private let events = Counter(label: "latchkey_revocation_feed_events_total")
    private let lastSeq = Gauge(label: "latchkey_revocation_feed_last_seq")
    private let lag = Gauge(label: "latchkey_revocation_feed_lag_seconds")
    /// Connections replaced (broken, ended, silent or resynchronised): a rising rate means a flapping feed.
    private let reconnects = Counter(label: "latchkey_revocation_feed_reconnects_total")
    /// Seconds since the feed last sent anything (an event or a heartbeat); above 5 the feed is late.
    private let lastEventAge = Gauge(label: "latchkey_revocation_feed_last_event_age_seconds")

    /// - Parameters:
    ///   - authURL: the auth service's base URL.
    ///   - clientID: this service's client id (the introspection credentials).
    ///   - clientSecret: its secret.
    ///   - httpClient: the client the stream is read with (it needs no read timeout: the heartbeat
    ///     watchdog replaces a silent stream).
    ///   - revoked: the set to fill.
    ///   - heartbeatTimeout: reconnect when nothing arrives for this long (the feed beats every 2 s).
    ///   - logger: where connections, replays, restarts of the sequence and unreadable events are logged.
    ///   - onAccountDeleted: called with the account id and time of every `account-deleted` event, on
    ///     the client's event loop (queue the work; do not wait). The replay repeats deletions up to 30
    ///     days old, so the handler must be idempotent.
    public init(
        authURL: String,
        clientID: String,
        clientSecret: String,
        httpClient: HTTPClient,
        revoked: RevokedSessions,
        heartbeatTimeout: Duration = .seconds(10),
        logger: Logger,
        onAccountDeleted: @escaping @Sendable (UUID, Date) -> Void = { _, _ in }
    ) {
        self.url = authURL.trimmingSuffix("/") + "/internal/v1/revocations"
        self.authorization = "Basic " + Data("\(clientID):\(clientSecret)".utf8).base64EncodedString()
        self.httpClient = httpClient
        self.revoked = revoked
        self.onAccountDeleted = onAccountDeleted
        self.heartbeatTimeout = heartbeatTimeout
        self.logger = logger
    }

    /// Whether the first replay has completed.
    public var hasReplayed: Bool { self.state.withLock { $0.replayed } }

    /// The sequence number of the last event applied.
    public var lastSequence: Int64 { self.state.withLock { $0.lastSeq } }

    /// The feed epoch last seen (nil before the first `epoch` event).
    public var epoch: String? { self.state.withLock { $0.epoch } }

    /// How often the sequence was found restarted and the feed replayed from the start.
    public var resynchronisations: Int { self.state.withLock { $0.resynchronisations } }

    public func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                try await self.connectUntilCancelled()
            }
        } catch is CancellationError {
            // Graceful shutdown.
        }
    }

    private func connectUntilCancelled() async throws {
        var backoff = Duration.milliseconds(200)
        while !Task.isCancelled {
            do {
                try await self.connectOnce()
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                self.logger.warning(
                    "Revocation feed disconnected; reads rely on token expiry until it is back",
                    metadata: ["error": .string(String(describing: error))]
                )
            }
            self.connected.record(0)
            self.reconnects.increment()
            self.lastEventAge.record(self.secondsSinceActivity())
            if self.secondsSinceActivity() < 1 { backoff = .milliseconds(200) }
            try await Task.sleep(for: backoff)
            backoff = min(backoff * 2, .seconds(5))
        }
    }

    private func connectOnce() async throws {
        var headers = HTTPHeaders()
        headers.add(name: "Authorization", value: self.authorization)
        headers.add(name: "Accept", value: "text/event-stream")
        let request = try HTTPClient.Request(url: self.url + "?after=\(self.lastSequence)", method: .GET, headers: headers)
        let parser = Mutex(ServerSentEventParser())
        let delegate = FeedStreamDelegate { buffer in
            self.state.withLock { $0.lastActivity = .now }
            let events = try parser.withLock { try $0.consume(buffer.readableBytesView) }
            for event in events {
                try self.apply(event)
            }
        }
        self.state.withLock { $0.lastActivity = .now }
        let task = self.httpClient.execute(request: request, delegate: delegate)
        self.connected.record(1)
        self.logger.info("Revocation feed connecting", metadata: ["feed.after": "\(self.lastSequence)"])
        try await withTaskCancellationHandler {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    try await task.futureResult.get()
                    throw RevocationFeedError.streamEnded
                }
                group.addTask {
                    // The watchdog: a feed that stays silent past the timeout is dead, whatever TCP thinks.
                    while true {
                        try await Task.sleep(for: .seconds(1))
                        self.lastEventAge.record(self.secondsSinceActivity())
                        if self.secondsSinceActivity() > self.heartbeatTimeout.seconds {
                            task.cancel()
                            throw RevocationFeedError.silent
                        }
                    }
                }
                defer { group.cancelAll() }
                try await group.next()
            }
        } onCancel: {
            task.cancel()
        }
    }

    /// Applies one event of the stream; throws to replace the connection when the sequence restarted.
    func apply(_ event: ServerSentEventParser.Event) throws {
        switch event.name {
        case "epoch":
            guard let epoch = try? JSONDecoder().decode(FeedEpoch.self, from: Data(event.data.utf8)) else {
                self.logger.warning("Revocation feed sent an unreadable epoch")
                return
            }
            let restarted = self.state.withLock { state in
                let restarted = (state.epoch != nil && state.epoch != epoch.epoch) || epoch.head < state.lastSeq
                state.epoch = epoch.epoch
                if restarted {
                    state.lastSeq = 0
                    state.resynchronisations += 1
                }
                return restarted
            }
            if restarted {
                self.resynchronisationsCounter.increment()
                self.logger.warning(
                    "Revocation feed sequence restarted; replaying from the start",
                    metadata: ["feed.head": "\(epoch.head)"]
                )
                throw RevocationFeedError.sequenceRestarted
            }
        case "revoked":
            guard let notice = try? JSONDecoder().decode(RevocationNotice.self, from: Data(event.data.utf8)) else {
                self.logger.warning("Revocation feed sent an unreadable event")
                return
            }
            self.revoked.insert(notice.sid, revokedAt: notice.revokedAt)
            let lastSeq = self.state.withLock { state in
                state.lastSeq = max(state.lastSeq, notice.seq)
                return state.lastSeq
            }
            self.events.increment()
            self.lastSeq.record(Double(lastSeq))
            self.lag.record(max(0, Date().timeIntervalSince(notice.revokedAt)))
        case "account-deleted":
            guard let notice = try? JSONDecoder().decode(AccountDeletedNotice.self, from: Data(event.data.utf8)) else {
                self.logger.warning("Revocation feed sent an unreadable event")
                return
            }
            self.onAccountDeleted(notice.sub, notice.deletedAt)
            let lastSeq = self.state.withLock { state in
                state.lastSeq = max(state.lastSeq, notice.seq)
                return state.lastSeq
            }
            self.events.increment()
            self.lastSeq.record(Double(lastSeq))
        case "heartbeat":
            let first = self.state.withLock { state in
                defer { state.replayed = true }
                return !state.replayed
            }
            if first {
                self.logger.info("Revocation feed replayed", metadata: ["feed.revoked_sessions": "\(self.revoked.count)"])
            }
            self.revoked.prune()
        default:
            break
        }
    }

    private func secondsSinceActivity() -> Double {
        let last = self.state.withLock { $0.lastActivity }
        return (ContinuousClock.now - last).seconds
    }
}

/// Why a feed connection was replaced.
enum RevocationFeedError: Error {
    case unexpectedStatus(Int)
    case streamEnded
    case silent
    case sequenceRestarted
}

/// The data of an `epoch` event: `{"epoch", "head"}`.
struct FeedEpoch: Decodable {
    let epoch: String
    let head: Int64
}

extension Duration {
    /// The duration in seconds, as a floating-point number.
    var seconds: Double {
        let (seconds, attoseconds) = self.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
