import AuthService
import Foundation
import Synchronization

/// A clock that stands still until the test moves it, so expiries and grace windows need no sleeping.
final class TestClock: Sendable {
    private let current: Mutex<Date>

    /// Starts at `start`, by default the present moment rounded down to a whole second.
    init(start: Date = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))) {
        self.current = Mutex(start)
    }

    /// The time the service sees now.
    var now: Date { self.current.withLock { $0 } }

    /// Now in whole seconds since 1970, as tokens carry it.
    var epochSeconds: Int { Int(self.now.timeIntervalSince1970.rounded(.down)) }

    /// Moves time forward by `seconds`.
    func advance(by seconds: TimeInterval) {
        self.current.withLock { $0 = $0.addingTimeInterval(seconds) }
    }

    /// The clock in the form `buildApplication` takes.
    var authClock: AuthClock {
        AuthClock { [self] in self.now }
    }
}
