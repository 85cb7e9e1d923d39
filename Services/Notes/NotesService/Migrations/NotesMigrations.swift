import ServiceSupport

/// The notes database schema, in order. Append new migrations; never edit an applied one.
package enum NotesMigrations {
    /// The advisory lock id that serializes notes replicas' migrations.
    package static let lockKey: Int64 = 0x6C6B_6E6F_7465

    package static let all: [DatabaseMigration] = [
        DatabaseMigration(
            version: 1,
            name: "notes",
            statements: [
                """
                CREATE TABLE notes (
                    seq bigserial UNIQUE NOT NULL,
                    id uuid PRIMARY KEY,
                    owner_id uuid NOT NULL,
                    title text NOT NULL,
                    body text NOT NULL,
                    created_at timestamptz NOT NULL,
                    updated_at timestamptz NOT NULL,
                    version integer NOT NULL
                )
                """,
                "CREATE INDEX notes_by_owner_newest_first ON notes (owner_id, seq DESC)",
            ]
        ),
        DatabaseMigration(
            version: 2,
            name: "deleted accounts' tombstones",
            statements: [AccountErasure.tombstoneTable]
        ),
    ]
}
