import Logging
import PostgresNIO

/// Applies a service's migrations at start: ordered, recorded in `schema_migrations`, and
/// serialized by a transaction-scoped advisory lock so replicas starting together are safe.
public struct MigrationRunner: Sendable {
    private let migrations: [DatabaseMigration]
    private let lockKey: Int64

    /// - Parameters:
    ///   - migrations: every migration of the service, in any order; versions must be unique.
    ///   - lockKey: the advisory lock id; any constant unique to the database.
    public init(migrations: [DatabaseMigration], lockKey: Int64) {
        precondition(Set(migrations.map(\.version)).count == migrations.count, "migration versions must be unique")
        self.migrations = migrations.sorted { $0.version < $1.version }
        self.lockKey = lockKey
    }

    /// Applies every migration not yet recorded, all in one transaction.
    public func migrate(client: PostgresClient, logger: Logger) async throws {
        let migrations = self.migrations
        let lockKey = self.lockKey
        try await client.withTransaction(logger: logger) { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(\(lockKey))", logger: logger)
            try await connection.query(
                """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version integer PRIMARY KEY,
                    name text NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now()
                )
                """,
                logger: logger
            )
            var applied = Set<Int>()
            for try await version in try await connection.query("SELECT version FROM schema_migrations", logger: logger).decode(Int.self) {
                applied.insert(version)
            }
            for migration in migrations where !applied.contains(migration.version) {
                for statement in migration.statements {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.query(
                    "INSERT INTO schema_migrations (version, name) VALUES (\(migration.version), \(migration.name))",
                    logger: logger
                )
                logger.info("Migration applied", metadata: ["migration.version": "\(migration.version)", "migration.name": "\(migration.name)"])
            }
        }
    }
}
