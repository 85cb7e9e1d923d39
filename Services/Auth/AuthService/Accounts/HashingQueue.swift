import Metrics
import ServiceSupport
import TokenKit

/// Admission to the bcrypt threads: a bounded wait, in two lanes, so that logins never starve
/// behind a flood of sign-ups.
///
/// A job holds one of `workers` slots while it hashes (one per hashing thread, so an admitted job
/// starts at once). A job that finds every slot taken waits in its lane; each lane holds at most
/// `capacity` waiting jobs, and one more is refused at once with 503 `auth-unavailable` and
/// `Retry-After` instead of queueing without bound. A freed slot goes to the verification lane
/// (logins, `current_password` checks) before the creation lane (sign-ups, new passwords,
/// rehashes): a login waits for at most the hashes already running, however many sign-ups wait.
/// But not for ever: after ``verificationBurst`` verifications in a row while a creation waits, the
/// creation goes next, so a steady stream of logins cannot starve a password change.
actor HashingQueue {
    enum Lane: Sendable {
        /// Checking a password someone is waiting on: logins and `current_password`.
        case verification
        /// Hashing a new password: sign-ups, password changes, rehashes after a cost change.
        case creation
    }

    private let capacity: Int
    private var freeWorkers: Int
    private var verificationWaiters: [CheckedContinuation<Void, Never>] = []
    private var creationWaiters: [CheckedContinuation<Void, Never>] = []
    /// Verifications handed a slot in a row while a creation was waiting.
    private var verificationsAhead = 0

    /// How many verifications may overtake a waiting creation before it is served.
    static let verificationBurst = 4

    /// `latchkey_bcrypt_queue_depth{lane}`: the hashes waiting in each lane (an operator's sign that
    /// logins are about to answer 503). Made once per queue, after the executable's metrics bootstrap.
    private let depth = (
        verification: Gauge(label: "latchkey_bcrypt_queue_depth", dimensions: [("lane", "verification")]),
        creation: Gauge(label: "latchkey_bcrypt_queue_depth", dimensions: [("lane", "creation")])
    )

    /// - Parameters:
    ///   - workers: how many jobs run at once (the hashing threads).
    ///   - capacity: how many jobs may wait in each lane (`BCRYPT_QUEUE_MAX`).
    init(workers: Int, capacity: Int) {
        self.freeWorkers = workers
        self.capacity = capacity
    }

    /// Waits for a slot; throws 503 at once when the lane is full. Call ``leave()`` when done.
    func enter(_ lane: Lane) async throws {
        if self.freeWorkers > 0 {
            self.freeWorkers -= 1
            return
        }
        guard self.waiting(in: lane) < self.capacity else {
            throw Problem.retryLater(
                .authUnavailable,
                detail: "Too many passwords are being checked right now; retry shortly.",
                afterSeconds: 1
            )
        }
        // The slot is handed over by `leave()`, which resumes the waiter without freeing it.
        await withCheckedContinuation { continuation in
            switch lane {
            case .verification: self.verificationWaiters.append(continuation)
            case .creation: self.creationWaiters.append(continuation)
            }
            self.recordDepth()
        }
    }

    /// Gives the slot to the next waiter, verification first (within its burst), or frees it.
    func leave() {
        let creationsWait = !self.creationWaiters.isEmpty
        if !self.verificationWaiters.isEmpty, !creationsWait || self.verificationsAhead < Self.verificationBurst {
            self.verificationsAhead = creationsWait ? self.verificationsAhead + 1 : 0
            self.verificationWaiters.removeFirst().resume()
        } else if creationsWait {
            self.verificationsAhead = 0
            self.creationWaiters.removeFirst().resume()
        } else {
            self.freeWorkers += 1
        }
        self.recordDepth()
    }

    private func recordDepth() {
        self.depth.verification.record(self.verificationWaiters.count)
        self.depth.creation.record(self.creationWaiters.count)
    }

    /// How many jobs wait in `lane`.
    func waiting(in lane: Lane) -> Int {
        switch lane {
        case .verification: self.verificationWaiters.count
        case .creation: self.creationWaiters.count
        }
    }
}
