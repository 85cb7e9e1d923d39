import Crypto
import Foundation
import Logging
import PostgresNIO
import ServiceLifecycle
import Synchronization
import TokenKitHummingbird

/// Deletes a user's data in a resource service when `auth` deletes the account, and keeps it deleted.
///
/// The revocation feed announces each deletion (`event: account-deleted`, replayed for 30 days, so a
/// service that was down learns of it when it is back). The service then deletes the user's rows and
/// records the account in `deleted_accounts`, under the account's advisory lock. A write that
/// creates data (``admit(_:on:)``) takes the same lock, shared, and checks that table in its own
/// transaction: a write whose session was confirmed just before the deletion either commits first and
/// is deleted with the rest, or waits and is refused. No row of a deleted user survives, and none
/// appears later. The tombstones are deleted after the feed's 30 days.
///
/// Deletions are applied by a worker, in the background, until they succeed: a database that is down
/// delays them, never loses them (and a restart replays them from the feed).
public final class AccountErasure: Service, Sendable {
    /// The table the migrations of every resource service create.
    public static let tombstoneTable = """
        CREATE TABLE deleted_accounts (
            account_id uuid PRIMARY KEY,
            deleted_at timestamptz NOT NULL
        )
        """
    /// How long a tombstone is kept: as long as `auth` replays the deletion.
    public static let tombstoneRetention: Double = 30 * 86_400

    private let client: PostgresClient
    private let eraseData: @Sendable (UUID, PostgresConnection) async throws -> Void
    private let logger: Logger
    private let pending = Mutex<[UUID: Date]>([:])
    private let wakeUp: AsyncStream<Void>.Continuation
    private let wakeUps: AsyncStream<Void>

    /// - Parameter eraseData: deletes every row of the user, in the given transaction.
    public init(client: PostgresClient, logger: Logger, eraseData: @escaping @Sendable (UUID, PostgresConnection) async throws -> Void) {
        self.client = client
        self.logger = logger
        self.eraseData = eraseData
        (self.wakeUps, self.wakeUp) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Queues the deletion of `accountID`'s data (the feed client calls this for every
    /// `account-deleted` event, on its event loop: it must not wait).
    public func accountDeleted(_ accountID: UUID, at deletedAt: Date) {
        self.pending.withLock { $0[accountID] = deletedAt }
        self.wakeUp.yield()
    }

    /// How many deletions wait to be applied.
    public var backlog: Int { self.pending.withLock { $0.count } }

    /// Applies queued deletions until graceful shutdown, retrying failures with backoff; prunes old
    /// tombstones every hour.
    public func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { try await PeriodicWork.run(every: .seconds(3600)) { await self.pruneTombstones() } }
                    group.addTask { try await self.applyQueued() }
                    try await group.next()
                    group.cancelAll()
                }
            }
        } catch is CancellationError {
            // Graceful shutdown.
        }
    }

    private func applyQueued() async throws {
        var backoff = Duration.milliseconds(200)
        for await _ in self.wakeUps {
            while true {
                let batch = self.pending.withLock { $0 }
                if batch.isEmpty { break }
                var failed = false
                for (accountID, deletedAt) in batch {
                    do {
                        try await self.erase(accountID, deletedAt: deletedAt)
                        self.pending.withLock { pending in
                            if pending[accountID] == deletedAt { pending[accountID] = nil }
                        }
                    } catch {
                        failed = true
                        self.logger.warning(
                            "Deleting a deleted account's data failed; will retry",
                            metadata: ["user.id": "\(accountID)", "error.type": "\(type(of: error))"]
                        )
                    }
                }
                if !failed {
                    backoff = .milliseconds(200)
                    continue
                }
                try await Task.sleep(for: backoff)
                backoff = min(backoff * 2, .seconds(30))
            }
        }
    }

    /// Deletes the user's data and records the tombstone, in one transaction under the account's lock.
    public func erase(_ accountID: UUID, deletedAt: Date) async throws {
        try await self.client.withTransaction(logger: self.logger) { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(\(Self.lockKey(accountID)))", logger: self.logger)
            try await connection.query(
                "INSERT INTO deleted_accounts (account_id, deleted_at) VALUES (\(accountID), \(deletedAt)) ON CONFLICT DO NOTHING",
                logger: self.logger
            )
            try await self.eraseData(accountID, connection)
        }
        self.logger.info("Deleted account's data erased", metadata: ["user.id": "\(accountID)"])
    }

    /// Admits a write that creates data of `accountID`, in the caller's transaction: throws
    /// `session-ended` when the account was deleted. Holds the account's lock, shared, until the
    /// transaction ends, so an erasure cannot run between this check and the write.
    public static func admit(_ accountID: UUID, on connection: PostgresConnection, logger: Logger) async throws {
        // Two statements: the check must see what an erasure that held the lock committed meanwhile.
        try await connection.query("SELECT pg_advisory_xact_lock_shared(\(Self.lockKey(accountID)))", logger: logger)
        let rows = try await connection.query("SELECT 1 FROM deleted_accounts WHERE account_id = \(accountID)", logger: logger)
        for try await _ in rows.decode(Int.self) { throw AccessDenied.sessionEnded }
    }

    private func pruneTombstones() async {
        let before = Date().addingTimeInterval(-Self.tombstoneRetention)
        do {
            try await self.client.query("DELETE FROM deleted_accounts WHERE deleted_at < \(before)", logger: self.logger)
        } catch {
            self.logger.warning("Pruning deleted-account tombstones failed", metadata: ["error.type": "\(type(of: error))"])
        }
    }

    /// The account's advisory lock id: the first 8 bytes of SHA-256 over a namespace and the id.
    static func lockKey(_ accountID: UUID) -> Int64 {
        let digest = SHA256.hash(data: Array("latchkey account erasure".utf8) + withUnsafeBytes(of: accountID.uuid) { Array($0) })
        return digest.prefix(8).reduce(Int64(0)) { $0 << 8 | Int64($1) }
    }
}
