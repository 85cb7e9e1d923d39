import Synchronization

/// A counter that concurrent tasks can bump and read.
final class SharedCounter: Sendable {
    private let count = Mutex(0)

    init() {}

    /// Adds one.
    func increment() {
        self.count.withLock { $0 += 1 }
    }

    /// The current count.
    var value: Int {
        self.count.withLock { $0 }
    }
}
