import Foundation
import Logging
import Metrics

/// Fans this replica's view of the revocations table out to every open feed stream.
///
/// `publishNew()` reads every revocation after the last one published and sends it to all
/// subscribers; the listener calls it on each `NOTIFY` and on a timer, so an event committed by any
/// replica reaches every stream, and a missed notification only delays it by one tick.
///
/// Each subscriber has a buffer of ``bufferSize`` items. A subscriber that falls that far behind (a
/// burst larger than the buffer, or a client that stopped reading) is cut off, never skipped: its
/// stream keeps the items buffered so far, in order with no gap, and then ends, so the client
/// reconnects with `after=<the last seq it received>` and reads the rest from the replay.
actor RevocationBroadcaster {
    private let repository: RevocationFeedRepository
    private let logger: Logger
    /// How many items a subscriber may have waiting before it is cut off.
    let bufferSize: Int
    private var subscribers: [UUID: AsyncStream<FeedItem>.Continuation] = [:]
    private var lastPublished: Int64?
    private let cutOff = Counter(label: "latchkey_revocation_feed_subscribers_cut_off_total")

    init(repository: RevocationFeedRepository, logger: Logger, bufferSize: Int = RevocationFeed.subscriberBufferSize) {
        self.repository = repository
        self.logger = logger
        self.bufferSize = bufferSize
    }

    /// A stream of everything published from now on, until the subscriber falls ``bufferSize`` items behind.
    func subscribe() -> (id: UUID, items: AsyncStream<FeedItem>) {
        let id = UUID()
        // Oldest, not newest: when full, the new item is refused (and the stream ended) rather than the
        // oldest silently dropped, so what the subscriber does receive has no gap.
        let (stream, continuation) = AsyncStream.makeStream(of: FeedItem.self, bufferingPolicy: .bufferingOldest(self.bufferSize))
        self.subscribers[id] = continuation
        return (id, stream)
    }

    func unsubscribe(_ id: UUID) {
        self.subscribers.removeValue(forKey: id)?.finish()
    }

    /// The number of open streams.
    var subscriberCount: Int { self.subscribers.count }

    /// Starts publishing after the newest revocation already in the table; called once the schema exists.
    func prime() async throws {
        if self.lastPublished == nil {
            self.lastPublished = try await self.repository.latestSeq()
        }
    }

    /// Whether ``prime()`` has run.
    var isPrimed: Bool { self.lastPublished != nil }

    /// Publishes revocations committed since the last call (nothing before ``prime()``).
    func publishNew() async throws {
        guard let last = self.lastPublished else { return }
        var after = last
        while true {
            let events = try await self.repository.events(after: after, since: .distantPast)
            for event in events {
                self.send(.revoked(event))
                after = event.seq
            }
            if events.count < 1000 { break }
        }
        self.lastPublished = after
    }

    /// Sends a heartbeat to every stream.
    func heartbeat() {
        self.send(.heartbeat)
    }

    /// Gives `item` to every subscriber; one whose buffer is full is cut off (its stream ends after
    /// what it has buffered).
    private func send(_ item: FeedItem) {
        var full: [UUID] = []
        for (id, continuation) in self.subscribers {
            switch continuation.yield(item) {
            case .enqueued: break
            case .terminated: self.subscribers.removeValue(forKey: id)
            case .dropped: full.append(id)
            @unknown default: full.append(id)
            }
        }
        for id in full {
            self.subscribers.removeValue(forKey: id)?.finish()
            self.cutOff.increment()
            self.logger.warning(
                "Revocation feed subscriber fell behind; ending its stream so that it resumes from the replay",
                metadata: ["feed.buffer_size": "\(self.bufferSize)"]
            )
        }
    }

    /// Ends every stream (graceful shutdown).
    func finishAll() {
        for continuation in self.subscribers.values {
            continuation.finish()
        }
        self.subscribers.removeAll()
    }
}

/// What a revocation stream is sent: a revocation or a heartbeat.
enum FeedItem: Sendable {
    case revoked(RevocationEvent)
    case heartbeat
}
