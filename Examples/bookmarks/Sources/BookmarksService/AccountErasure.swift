import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// Deletes a user's bookmarks when `auth` deletes the account.
///
/// The revocation feed calls ``accountDeleted(_:at:)`` on its event loop, where nothing may wait, so
/// the deletion is queued here and applied by ``run()``, retried every second until the database
/// takes it. The queue holds one entry per account (a replayed deletion replaces its own entry), and
/// nothing is lost across a restart: the feed replays every deletion of the last 30 days on connect.
public final class AccountErasure: Service, Sendable {
    private let store: BookmarkStore
    private let logger: Logger
    private let pending = Mutex<[UUID: Date]>([:])
    private let wakeUps: AsyncStream<Void>
    private let wakeUp: AsyncStream<Void>.Continuation

    public init(store: BookmarkStore, logger: Logger) {
        self.store = store
        self.logger = logger
        (self.wakeUps, self.wakeUp) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Queues the deletion of `accountID`'s bookmarks; returns at once.
    public func accountDeleted(_ accountID: UUID, at deletedAt: Date) {
        self.pending.withLock { $0[accountID] = deletedAt }
        self.wakeUp.yield()
    }

    public func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                for await _ in self.wakeUps {
                    try await self.applyPending()
                }
            }
        } catch is CancellationError {
            // Graceful shutdown.
        }
    }

    private func applyPending() async throws {
        while let (accountID, deletedAt) = self.pending.withLock({ $0.first.map { ($0.key, $0.value) } }) {
            do {
                try await self.store.eraseAccount(accountID, deletedAt: deletedAt)
                self.pending.withLock { if $0[accountID] == deletedAt { $0[accountID] = nil } }
                self.logger.info("Deleted account's bookmarks erased", metadata: ["user.id": "\(accountID)"])
            } catch {
                self.logger.warning(
                    "Erasing a deleted account's bookmarks failed; will retry",
                    metadata: ["user.id": "\(accountID)", "error.type": "\(type(of: error))"]
                )
                try await Task.sleep(for: .seconds(1))
            }
        }
    }
}
