import Foundation

/// At most `limit` counted attempts within the last `window` seconds.
///
/// The next attempt is allowed once the `limit`-th newest counted attempt has left the window (the
/// database functions of migration 4 decide it); refused attempts are not counted, so a blocked
/// caller cannot extend its own block.
struct SlidingWindowLimit: Sendable {
    let limit: Int
    let window: TimeInterval

    /// The earliest time that still counts at `now`.
    func start(at now: Date) -> Date {
        now.addingTimeInterval(-self.window)
    }
}
