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
    public func prune(now: Date = Date()) {
        let cutoff = now.addingTimeInterval(-self.retention)
        self.state.withLock { entries in
            entries = entries.filter { $0.value >= cutoff }
        }
    }

    /// The number of revoked sessions held.
    public var count: Int { self.state.withLock { $0.count } }
}
