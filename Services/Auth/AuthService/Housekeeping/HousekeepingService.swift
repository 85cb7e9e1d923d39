import Foundation
import Logging
import ServiceLifecycle
import ServiceSupport

/// Once a minute, deletes rows nothing needs any more: revocations older than any token they
/// could affect (account deletions after 30 days), login failures and sign-up attempts outside
/// their limit windows, and security events past `EVENT_RETENTION_SECONDS`.
struct HousekeepingService: Service {
    let revocations: RevocationFeedRepository
    let limits: AuthLimits
    let events: SecurityEventRepository
    let revocationRetention: TimeInterval
    /// `EVENT_RETENTION_SECONDS`.
    let eventRetention: TimeInterval
    let clock: AuthClock
    let logger: Logger

    func run() async throws {
        try await PeriodicWork.run(every: .seconds(60)) { await self.sweep() }
    }

    /// One pass over the tables.
    func sweep() async {
        let now = self.clock.now()
        do {
            try await self.revocations.prune(
                before: now.addingTimeInterval(-self.revocationRetention),
                deletionsBefore: now.addingTimeInterval(-RevocationFeed.accountDeletionReplay)
            )
            try await self.limits.prune(now: now)
            try await self.events.prune(before: now.addingTimeInterval(-self.eventRetention))
        } catch {
            self.logger.warning("Housekeeping failed", metadata: ["error.type": "\(type(of: error))"])
        }
    }
}
