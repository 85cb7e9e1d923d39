import Synchronization

/// A value that concurrent tasks of one test share, behind a lock: what they saw, in the order they saw it.
final class Locked<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>

    init(_ value: Value) {
        self.mutex = Mutex(value)
    }

    /// Runs `body` with the value locked.
    func withLock<Result: Sendable>(_ body: (inout Value) -> Result) -> Result {
        self.mutex.withLock { body(&$0) }
    }

    /// The value now.
    var value: Value { self.withLock { $0 } }
}
