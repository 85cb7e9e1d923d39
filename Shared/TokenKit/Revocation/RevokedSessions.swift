import Foundation
import Synchronization

/// The session ids the revocation feed has reported, checked on every locally verified request.
///
/// A lookup is a dictionary read under a lock: no call, no database. An entry is kept for
/// ``retention`` after its revocation, longer than any access token can live (`auth` accepts at
/// most a 24 h `ACCESS_TOKEN_TTL_SECONDS`, plus 30 s leeway), so a revoked session stays refused
/// until every token it ever had has expired.
public final class RevokedSessions: Sendable {
    /// How long an entry is kept after its revocation.
    public let retention: TimeInterval
    private let state = Mutex<[UUID: Date]>([:])

    public init(retention: TimeInterval = 86_400 + 60) {
        self.retention = retention
    }

    /// Records a revocation.
    public func insert(_ sessionID: UUID, revokedAt: Date) {
        self.state.withLock { $0[sessionID] = revokedAt }
    }

    /// Whether the session was revoked.
    public func contains(_ sessionID: UUID) -> Bool {
        self.state.withLock { $0[sessionID] != nil }
    }

    /// Drops entries older than the retention.
    ///
    /// Every read takes the lock, so the scan runs outside it, over a copy-on-write snapshot; the lock
    /// is held only to remove the expired ids (each checked again: a newer revocation of the same
    /// session may have arrived meanwhile).
    public func prune(now: Date = Date()) {
        let cutoff = now.addingTimeInterval(-self.retention)
        let expired = self.expiredIDs(before: cutoff)
        guard !expired.isEmpty else { return }
        self.state.withLock { entries in
            for id in expired where (entries[id].map { $0 < cutoff } ?? false) {
                entries.removeValue(forKey: id)
            }
        }
    }

    /// The ids revoked before `cutoff`, found without holding the lock during the scan.
    private func expiredIDs(before cutoff: Date) -> [UUID] {
        // The snapshot shares storage with the set until this function returns, so the removals above
        // (after it) do not copy the whole dictionary.
        let snapshot = self.state.withLock { $0 }
        return snapshot.compactMap { $0.value < cutoff ? $0.key : nil }
    }

    /// The number of revoked sessions held.
    public var count: Int { self.state.withLock { $0.count } }
}
