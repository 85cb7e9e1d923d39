/// What the databases hold about one user, read with psql: compared before and after an attack,
/// it shows that a refused request changed nothing (no note, profile, session, revocation, password).
///
/// Text columns are compared by their MD5 so that any content fits on one line of psql output.
struct UserSnapshot: Equatable, Sendable, CustomStringConvertible {
    let account: [[String]]
    let sessions: [[String]]
    let revocations: [[String]]
    let notes: [[String]]
    let profile: [[String]]

    /// Reads the state of user `userID` from the stack's three databases.
    static func read(userID: String, on stack: ServiceStack) async throws -> UserSnapshot {
        let id = try Self.uuidLiteral(userID)
        let server = stack.databaseServer
        let auth = stack.databaseName(.auth)
        return UserSnapshot(
            account: try await server.query("SELECT email, md5(password_hash), password_changed_at FROM accounts WHERE id = \(id)", database: auth),
            sessions: try await server.query(
                "SELECT id, refresh_generation, generation_started_at, revoked_at IS NULL, coalesce(revoked_reason, '') FROM sessions WHERE account_id = \(id) ORDER BY id",
                database: auth
            ),
            revocations: try await server.query("SELECT session_id, reason FROM revocations WHERE account_id = \(id) ORDER BY seq", database: auth),
            notes: try await server.query(
                "SELECT id, md5(title), md5(body), version, updated_at FROM notes WHERE owner_id = \(id) ORDER BY id",
                database: stack.databaseName(.notes)
            ),
            profile: try await server.query(
                "SELECT md5(coalesce(display_name, '∅')), md5(coalesce(bio, '∅')), updated_at FROM profiles WHERE user_id = \(id)",
                database: stack.databaseName(.profile)
            )
        )
    }

    /// `'<uuid>'::uuid`, after checking that `text` is a UUID (so it is safe to put into SQL).
    static func uuidLiteral(_ text: String) throws -> String {
        guard text.count == 36, text.allSatisfy({ $0.isHexDigit || $0 == "-" }) else { throw HarnessError("not a UUID: \(text)") }
        return "'\(text)'::uuid"
    }

    var description: String {
        "account \(self.account), sessions \(self.sessions), revocations \(self.revocations), notes \(self.notes), profile \(self.profile)"
    }
}
