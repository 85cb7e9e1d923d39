import ServiceSupport

/// The profile database schema, in order. Append new migrations; never edit an applied one.
enum ProfileMigrations {
    /// The advisory lock id that serializes profile replicas' migrations.
    static let lockKey: Int64 = 0x6C6B_7072_6F66

    static let all: [DatabaseMigration] = [
        DatabaseMigration(
            version: 1,
            name: "profiles",
            statements: [
                """
                CREATE TABLE profiles (
                    user_id uuid PRIMARY KEY,
                    display_name text,
                    bio text,
                    updated_at timestamptz NOT NULL
                )
                """
            ]
        ),
        DatabaseMigration(
            version: 2,
            name: "deleted accounts' tombstones",
            statements: [AccountErasure.tombstoneTable]
        ),
    ]
}
