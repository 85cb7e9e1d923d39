import Foundation
import ServiceSupport
import Synchronization
import TokenKit

/// An in-memory ``SessionStatusChecker``: a set of active session ids, or a problem to throw.
///
/// It stands in for auth's introspection (tested with auth) and records which sessions it was asked about.
final class InMemorySessionChecker: SessionStatusChecker {
    /// The active sessions, the failure to throw instead of answering, and the sessions asked about.
    struct State {
        var active: Set<UUID> = []
        var failure: Problem?
        var asked: [UUID] = []
    }

    private let state = Mutex(State())

    /// The session ids asked about so far, in order.
    var askedSessionIDs: [UUID] { self.state.withLock { $0.asked } }

    /// Changes the answers from now on.
    func update(_ change: (inout State) -> Void) {
        self.state.withLock { change(&$0) }
    }

    func isSessionActive(_ identity: LocalIdentity) async throws -> Bool {
        let state = self.state.withLock { state in
            state.asked.append(identity.sessionID)
            return state
        }
        if let failure = state.failure { throw failure }
        return state.active.contains(identity.sessionID)
    }
}
