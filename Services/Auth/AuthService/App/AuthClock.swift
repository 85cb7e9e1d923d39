import Foundation

/// The auth service's source of "now". Every timestamp it stores or signs comes from here, so
/// tests can move time instead of sleeping through grace windows and expiries.
public struct AuthClock: Sendable {
    public let now: @Sendable () -> Date

    public init(now: @escaping @Sendable () -> Date) {
        self.now = now
    }

    /// The system clock.
    public static let system = AuthClock { Date() }

    /// Now in whole seconds since 1970, as tokens carry it.
    var epochSeconds: Int64 { Int64(self.now().timeIntervalSince1970.rounded(.down)) }
}
