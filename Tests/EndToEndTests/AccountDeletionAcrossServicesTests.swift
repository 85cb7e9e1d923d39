import Foundation
import TestSupport
import Testing

extension OperationsSuite {
    /// Account deletion across the three real processes: `auth` deletes the account, the feed says
    /// `account-deleted`, and notes and profile delete that user's data, also when they were down at the
    /// time and learn of it from the replay. Each database is read to prove it.
    @Suite("Account deletion across the services", .serialized, .serviceLogsOnFailure, .timeLimit(.minutes(3)))
    struct AccountDeletionAcrossServicesTests {
        /// Rows that name the user in each resource database: `[notes, profiles, tombstones]`.
        static func rows(of account: TestAccount, on stack: ServiceStack) async throws -> [String: Int] {
            let notes = try await stack.databaseServer.query(
                "SELECT (SELECT count(*) FROM notes WHERE owner_id = '\(account.id)'), (SELECT count(*) FROM deleted_accounts WHERE account_id = '\(account.id)')",
                database: stack.databaseName(.notes)
            )
            let profile = try await stack.databaseServer.query(
                "SELECT (SELECT count(*) FROM profiles WHERE user_id = '\(account.id)'), (SELECT count(*) FROM deleted_accounts WHERE account_id = '\(account.id)')",
                database: stack.databaseName(.profile)
            )
            return [
                "notes": Int(notes.first?[0] ?? "") ?? -1, "notes.tombstone": Int(notes.first?[1] ?? "") ?? -1,
                "profiles": Int(profile.first?[0] ?? "") ?? -1, "profile.tombstone": Int(profile.first?[1] ?? "") ?? -1,
            ]
        }

        /// Waits (at most 10 s) until neither resource database has a row of the user, and returns what is left.
        static func waitUntilErased(_ account: TestAccount, on stack: ServiceStack) async throws -> [String: Int] {
            let deadline = ContinuousClock.now + .seconds(10)
            var rows = try await Self.rows(of: account, on: stack)
            while rows["notes"] != 0 || rows["profiles"] != 0 || rows["notes.tombstone"] != 1 || rows["profile.tombstone"] != 1,
                ContinuousClock.now < deadline
            {
                try await Task.sleep(for: .milliseconds(100))
                rows = try await Self.rows(of: account, on: stack)
            }
            return rows
        }

        /// A user with two notes and a profile.
        static func userWithData(on stack: ServiceStack, label: String) async throws -> (TestAccount, BearerSession) {
            let account = try await TestAccount.create(on: stack, label: label)
            let session = try await account.login(on: stack)
            for title in ["first", "second"] {
                let created = try await HTTP.send(
                    .post,
                    stack.url(.notes, "/v1/notes"),
                    bearer: session.accessToken,
                    json: ["title": .string(title), "body": "text"]
                )
                try #require(created.status == 201)
            }
            let profile = try await HTTP.send(
                .put,
                stack.url(.profile, "/v1/profile"),
                bearer: session.accessToken,
                json: ["display_name": "Someone", "bio": "about me"]
            )
            try #require(profile.status == 200)
            return (account, session)
        }

        static func delete(_ account: TestAccount, _ session: BearerSession, on stack: ServiceStack) async throws -> TestResponse {
            try await HTTP.send(
                .delete,
                stack.url(.auth, "/v1/accounts/me"),
                bearer: session.accessToken,
                json: ["current_password": .string(account.password)]
            )
        }

        @Test("every service deletes a deleted account's data; the account's tokens are refused everywhere")
        func deletionErasesEveryDatabase() async throws {
            try await withStack { stack in
                let (account, session) = try await Self.userWithData(on: stack, label: "erase")
                let (bystander, bystanderSession) = try await Self.userWithData(on: stack, label: "erase-bystander")
                #expect(try await Self.delete(account, session, on: stack).status == 204)

                #expect(
                    try await Self.waitUntilErased(account, on: stack) == ["notes": 0, "notes.tombstone": 1, "profiles": 0, "profile.tombstone": 1]
                )
                let auth = try await stack.databaseServer.query(
                    """
                    SELECT (SELECT count(*) FROM accounts WHERE id = '\(account.id)' OR email = '\(account.email)'),
                           (SELECT count(*) FROM sessions WHERE account_id = '\(account.id)'),
                           (SELECT count(*) FROM security_events WHERE account_id = '\(account.id)')
                    """,
                    database: stack.databaseName(.auth)
                )
                #expect(auth.first == ["0", "0", "0"])
                for (service, path) in [(ServiceKind.notes, "/v1/notes"), (.profile, "/v1/profile")] {
                    ProblemCheck.expect(
                        try await HTTP.send(.get, stack.url(service, path), bearer: session.accessToken),
                        status: 401,
                        type: "session-ended"
                    )
                }
                let write = try await HTTP.send(.post, stack.url(.notes, "/v1/notes"), bearer: session.accessToken, json: ["title": "after"])
                ProblemCheck.expect(write, status: 401, type: "session-ended")
                #expect(try await Self.rows(of: bystander, on: stack) == ["notes": 2, "notes.tombstone": 0, "profiles": 1, "profile.tombstone": 0])
                #expect(try await HTTP.send(.get, stack.url(.notes, "/v1/notes"), bearer: bystanderSession.accessToken).status == 200)
            }
        }

        @Test("a resource service that was down during the deletion erases the data from the replay")
        func serviceDownDuringDeletionErasesFromTheReplay() async throws {
            try await withStack { stack in
                let (account, session) = try await Self.userWithData(on: stack, label: "erase-later")
                await stack.stop(.notes)
                #expect(try await Self.delete(account, session, on: stack).status == 204)
                let whileDown = try await Self.rows(of: account, on: stack)
                #expect(whileDown["notes"] == 2)
                try await stack.start(.notes)
                try await stack.waitUntilReady([.notes])
                #expect(
                    try await Self.waitUntilErased(account, on: stack) == ["notes": 0, "notes.tombstone": 1, "profiles": 0, "profile.tombstone": 1]
                )
            }
        }
    }
}
