import Foundation
import Logging
import Metrics

/// Fans this replica's view of the revocations table out to every open feed stream.
///
/// `publishNew()` reads every revocation after the last one published and sends it to all
/// subscribers; the listener calls it on each `NOTIFY` and on a timer, so an event committed by any
/// replica reaches every stream, and a missed notification only delays it by one tick.
///
/// Each subscriber has a ``FeedSubscription`` of ``bufferSize`` events, handed a page (up to 1,000
/// events) at a time. A subscriber that falls that far behind (a burst larger than the buffer, or a
/// client that stopped reading) is cut off, never skipped: its stream writes the events it holds, in
/// order with no gap, and then ends, so the client reconnects with `after=<the last seq it received>`
/// and reads the rest from the replay.
actor RevocationBroadcaster {
    private let repository: RevocationFeedRepository
    private let logger: Logger
    /// How many events a subscriber may have waiting before it is cut off.
    let bufferSize: Int
    private var subscribers: [UUID: FeedSubscription] = [:]
    private var lastPublished: Int64?
    private let cutOff = Counter(label: "latchkey_revocation_feed_subscribers_cut_off_total")

    init(repository: RevocationFeedRepository, logger: Logger, bufferSize: Int = RevocationFeed.subscriberBufferSize) {
        self.repository = repository
        self.logger = logger
        self.bufferSize = bufferSize
    }

    /// Everything published from now on, until the subscriber falls ``bufferSize`` events behind.
    func subscribe() -> (id: UUID, subscription: FeedSubscription) {
        let id = UUID()
        let subscription = FeedSubscription(capacity: self.bufferSize)
        self.subscribers[id] = subscription
        return (id, subscription)
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
            let events = try await self.repository.events(after: after, since: .distantPast, deletionsSince: .distantPast)
            if let newest = events.last {
                self.send(events)
                after = newest.seq
            }
            if events.count < 1000 { break }
        }
        self.lastPublished = after
    }

    /// Sends a heartbeat to every stream.
    func heartbeat() {
        for subscription in self.subscribers.values {
            subscription.offerHeartbeat()
        }
    }

    /// Gives a page of events to every subscriber; one that has no room for it is cut off (its stream
    /// ends after what it holds).
    private func send(_ events: [RevocationEvent]) {
        for (id, subscription) in self.subscribers where !subscription.offer(events) {
            self.subscribers.removeValue(forKey: id)
            self.cutOff.increment()
            self.logger.warning(
                "Revocation feed subscriber fell behind; ending its stream so that it resumes from the replay",
                metadata: ["feed.buffer_size": "\(self.bufferSize)"]
            )
        }
    }

    /// Ends every stream (graceful shutdown).
    func finishAll() {
        for subscription in self.subscribers.values {
            subscription.finish()
        }
        self.subscribers.removeAll()
    }
}
