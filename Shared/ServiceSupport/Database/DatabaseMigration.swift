/// One step of a service's schema: ordered by `version` and applied once (``MigrationRunner`` applies
/// every pending step in one transaction, so a start either migrates fully or not at all).
public struct DatabaseMigration: Sendable {
    public let version: Int
    public let name: String
    /// The SQL statements, run in order (postgres-nio sends one statement per query).
    public let statements: [String]

    public init(version: Int, name: String, statements: [String]) {
        self.version = version
        self.name = name
        self.statements = statements
    }
}
