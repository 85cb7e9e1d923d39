import Synchronization

/// One feed stream's queue in `auth`: the revocations published for it and not yet written, bounded
/// in events.
///
/// The stream takes everything waiting at once and writes it as one piece, so a burst of thousands
/// of events costs a few writes, not one write (and one TCP segment, and one read on the other side)
/// per event. When an offer would pass the bound, the subscription is cut off: it keeps what it
/// holds, which has no gap, the stream writes that and ends, and the client resumes with
/// `after=<the last seq it received>` from the replay. Nothing is ever dropped from the middle.
final class FeedSubscription: Sendable {
    /// What the stream takes in one go.
    struct Batch: Sendable {
        /// Revocations, in `seq` order.
        var events: [RevocationEvent]
        /// Whether a heartbeat is due after them.
        var heartbeat: Bool
    }

    private struct State {
        var events: [RevocationEvent] = []
        var heartbeat = false
        var finished = false
        var waiter: CheckedContinuation<Void, Never>?
    }

    /// How many events may wait before the subscription is cut off.
    let capacity: Int
    private let state = Mutex(State())

    init(capacity: Int) {
        self.capacity = capacity
    }

    /// Adds published events; returns false, and cuts the subscription off, when they do not fit.
    func offer(_ events: [RevocationEvent]) -> Bool {
        let (accepted, waiter) = self.state.withLock { state -> (Bool, CheckedContinuation<Void, Never>?) in
            guard !state.finished else { return (true, nil) }
            if state.events.count + events.count > self.capacity {
                state.finished = true
            } else {
                state.events += events
            }
            defer { state.waiter = nil }
            return (!state.finished, state.waiter)
        }
        waiter?.resume()
        return accepted
    }

    /// Asks for a heartbeat after whatever is waiting.
    func offerHeartbeat() {
        let waiter = self.state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard !state.finished else { return nil }
            state.heartbeat = true
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }

    /// Ends the subscription: the stream takes what is waiting, then nothing.
    func finish() {
        let waiter = self.state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.finished = true
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }

    /// Waits for something to write and takes all of it; nil once the subscription has ended and
    /// everything it held has been taken. One caller at a time.
    func take() async -> Batch? {
        while true {
            let taken = self.state.withLock { state -> Batch?? in
                if !state.events.isEmpty || state.heartbeat {
                    defer {
                        state.events = []
                        state.heartbeat = false
                    }
                    return .some(Batch(events: state.events, heartbeat: state.heartbeat))
                }
                return state.finished ? .some(nil) : nil
            }
            if let taken { return taken }
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let ready = self.state.withLock { state in
                    if !state.events.isEmpty || state.heartbeat || state.finished { return true }
                    state.waiter = continuation
                    return false
                }
                if ready { continuation.resume() }
            }
        }
    }
}
