import Synchronization

/// A clock in whole seconds that a test moves by hand, starting at ``TokenFactory/now``.
final class MovableClock: Sendable {
    private let value = Mutex(TokenFactory.now)

    var now: Int64 {
        get { self.value.withLock { $0 } }
        set { self.value.withLock { $0 = newValue } }
    }
}
