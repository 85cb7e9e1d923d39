import Foundation
import Logging
import ServiceLifecycle
import ServiceSupport

/// Runs the key schedule and reloads the key ring periodically, on every replica.
///
/// The first pass happens before the server starts (see `buildApplication`); this service keeps
/// it going. Failures are logged and retried on the next tick: signing continues with the keys
/// already loaded.
struct SigningKeyMaintenanceService: Service {
    let rotator: SigningKeyRotator
    let ring: SigningKeyRing
    let interval: Duration
    let clock: AuthClock
    let logger: Logger

    func run() async throws {
        try await PeriodicWork.run(every: self.interval) { await self.tick() }
    }

    /// One pass: ensure the schedule, then reload.
    func tick() async {
        do {
            try await self.rotator.ensureKeys(now: self.clock.now())
            try await self.ring.reload()
        } catch {
            self.logger.warning("Signing key maintenance failed", metadata: ["error.type": .string(String(reflecting: type(of: error)))])
        }
    }
}
