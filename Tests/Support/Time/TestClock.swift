import Foundation
import Synchronization

/// A clock that stands still until the test moves it, so expiries and grace windows need no sleeping.
package final class TestClock: Sendable {
    private let current: Mutex<Date>

    /// Starts at `start`, by default the present moment rounded down to a whole second.
    package init(start: Date = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))) {
        self.current = Mutex(start)
    }

    /// Starts at `epochSeconds` (e.g. ``TokenForge/now``).
    package convenience init(epochSeconds: Int64) {
        self.init(start: Date(timeIntervalSince1970: TimeInterval(epochSeconds)))
    }

    /// The time the code under test sees now.
    package var now: Date { self.current.withLock { $0 } }

    /// Now in whole seconds since 1970, as tokens carry it.
    package var epochSeconds: Int { Int(self.now.timeIntervalSince1970.rounded(.down)) }

    /// Moves time forward by `seconds`.
    package func advance(by seconds: TimeInterval) {
        self.current.withLock { $0 = $0.addingTimeInterval(seconds) }
    }

    /// Sets the time to `epochSeconds`, forward or back.
    package func set(epochSeconds: Int64) {
        self.current.withLock { $0 = Date(timeIntervalSince1970: TimeInterval(epochSeconds)) }
    }
}
