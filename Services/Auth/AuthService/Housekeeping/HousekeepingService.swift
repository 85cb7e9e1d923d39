import Foundation
import Logging
import ServiceLifecycle
import ServiceSupport

/// Once a minute, deletes rows nothing needs any more: revocations older than any token they
/// could affect, and login failures and sign-up attempts outside their limit windows.
struct HousekeepingService: Service {
    let revocations: RevocationFeedRepository
    let limits: AuthLimits
    let revocationRetention: TimeInterval
    let clock: AuthClock
    let logger: Logger

    func run() async throws {
        try await PeriodicWork.run(every: .seconds(60)) { await self.sweep() }
    }

    /// One pass over the tables.
    func sweep() async {
        let now = self.clock.now()
        do {
            try await self.revocations.prune(before: now.addingTimeInterval(-self.revocationRetention))
            try await self.limits.prune(now: now)
        } catch {
            self.logger.warning("Housekeeping failed", metadata: ["error.type": "\(type(of: error))"])
        }
    }
}
