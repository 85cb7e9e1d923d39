import Foundation

/// At most `limit` counted attempts within the last `window` seconds.
///
/// Given the newest `limit` attempt times (newest first), the next attempt is allowed once the
/// oldest of them has left the window; refused attempts are not counted, so a blocked caller
/// cannot extend its own block.
struct SlidingWindowLimit: Sendable {
    let limit: Int
    let window: TimeInterval

    /// The earliest time that still counts at `now`.
    func start(at now: Date) -> Date {
        now.addingTimeInterval(-self.window)
    }

    /// Seconds until the next attempt is allowed (at least 1), or nil when it is allowed now.
    func retryAfter(newestFirst attempts: [Date], now: Date) -> Int? {
        guard attempts.count >= self.limit, let oldest = attempts.last else { return nil }
        let seconds = oldest.addingTimeInterval(self.window).timeIntervalSince(now)
        return max(1, Int(seconds.rounded(.up)))
    }
}
