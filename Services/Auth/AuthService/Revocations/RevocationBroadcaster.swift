import Foundation
import Logging

/// Fans this replica's view of the revocations table out to every open feed stream.
///
/// `publishNew()` reads every revocation after the last one published and sends it to all
/// subscribers; the listener calls it on each `NOTIFY` and on a timer, so an event committed by any
/// replica reaches every stream, and a missed notification only delays it by one tick.
actor RevocationBroadcaster {
    private let repository: RevocationFeedRepository
    private let logger: Logger
    private var subscribers: [UUID: AsyncStream<FeedItem>.Continuation] = [:]
    private var lastPublished: Int64?

    init(repository: RevocationFeedRepository, logger: Logger) {
        self.repository = repository
        self.logger = logger
    }

    /// A stream of everything published from now on.
    func subscribe() -> (id: UUID, items: AsyncStream<FeedItem>) {
        let id = UUID()
        let (stream, continuation) = AsyncStream.makeStream(of: FeedItem.self, bufferingPolicy: .bufferingNewest(10_000))
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
                for continuation in self.subscribers.values {
                    continuation.yield(.revoked(event))
                }
                after = event.seq
            }
            if events.count < 1000 { break }
        }
        self.lastPublished = after
    }

    /// Sends a heartbeat to every stream.
    func heartbeat() {
        for continuation in self.subscribers.values {
            continuation.yield(.heartbeat)
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
