import Foundation
import Testing
import TokenKit

/// The in-memory set of sessions the revocation feed reported.
@Suite("Revoked sessions")
struct RevokedSessionsTests {
    /// An inserted session is reported; others are not.
    @Test func containsWhatWasInserted() {
        let revoked = RevokedSessions()
        let session = UUID()
        revoked.insert(session, revokedAt: Date())
        #expect(revoked.contains(session))
        #expect(!revoked.contains(UUID()))
        #expect(revoked.count == 1)
    }

    /// An entry stays for the whole retention and goes after it.
    @Test func pruneKeepsEntriesForTheRetention() {
        let revoked = RevokedSessions(retention: 100)
        let now = Date()
        let recent = UUID()
        let old = UUID()
        revoked.insert(recent, revokedAt: now.addingTimeInterval(-99))
        revoked.insert(old, revokedAt: now.addingTimeInterval(-101))
        revoked.prune(now: now)
        #expect(revoked.contains(recent))
        #expect(!revoked.contains(old))
    }

    /// The default retention outlives the longest access token auth can issue (24 h) plus the 30 s leeway.
    @Test func defaultRetentionOutlivesEveryToken() {
        #expect(RevokedSessions().retention > 86_400 + 30)
    }

    /// Reads and inserts go on while a large prune runs (the scan holds no lock): every entry inserted
    /// during the prune survives it, every expired one goes, and nothing fresh is lost.
    @Test func pruneDuringReadsAndInsertsKeepsFreshEntries() async {
        let revoked = RevokedSessions(retention: 100)
        let now = Date()
        let expired = (0..<200_000).map { _ in UUID() }
        let kept = (0..<1_000).map { _ in UUID() }
        for session in expired { revoked.insert(session, revokedAt: now.addingTimeInterval(-200)) }
        for session in kept { revoked.insert(session, revokedAt: now) }
        let duringPrune = (0..<1_000).map { _ in UUID() }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { revoked.prune(now: now) }
            group.addTask {
                for session in duringPrune {
                    revoked.insert(session, revokedAt: now)
                    _ = revoked.contains(kept[0])
                }
            }
        }
        #expect(revoked.count == kept.count + duringPrune.count)
        #expect((kept + duringPrune).allSatisfy(revoked.contains))
        #expect(!expired.prefix(1_000).contains(where: revoked.contains))
    }
}
