import Foundation
import Logging
import ServiceLifecycle
import ServiceSupport

/// Once a minute, deletes rows nothing needs any more: revocations older than any token they
/// could affect, and login failures outside the limit window.
struct HousekeepingService: Service {
    let revocations: RevocationFeedRepository
    let loginFailures: LoginFailureRepository
    let revocationRetention: TimeInterval
    let loginFailureWindow: TimeInterval
    let clock: AuthClock
    let logger: Logger

    func run() async throws {
        try await PeriodicWork.run(every: .seconds(60)) { await self.sweep() }
    }

    /// One pass over both tables.
    func sweep() async {
        let now = self.clock.now()
        do {
            try await self.revocations.prune(before: now.addingTimeInterval(-self.revocationRetention))
            try await self.loginFailures.prune(before: now.addingTimeInterval(-self.loginFailureWindow))
        } catch {
            self.logger.warning("Housekeeping failed", metadata: ["error.type": "\(type(of: error))"])
        }
    }
}
