import Foundation
import TestSupport
import Testing

extension OperationsSuite {
    /// The operators' actions across the real processes: the admin API and `auth admin` end sessions,
    /// and the resource services refuse them within a second (the feed carries every revocation).
    @Suite("Operators' actions", .serialized, .serviceLogsOnFailure, .timeLimit(.minutes(3)))
    struct AdminOperationsTests {
        /// Waits (at most 1 s) until a read at `service` with `token` is refused; returns how long it took.
        static func refusedWithinASecond(_ service: ServiceKind, _ token: String, on stack: ServiceStack) async throws -> Duration? {
            let path = service == .notes ? "/v1/notes" : "/v1/profile"
            let started = ContinuousClock.now
            while ContinuousClock.now - started < .seconds(1) {
                if try await HTTP.send(.get, stack.url(service, path), bearer: token).status == 401 { return ContinuousClock.now - started }
                try await Task.sleep(for: .milliseconds(20))
            }
            return nil
        }

        static func expectRefusedEverywhere(
            _ session: BearerSession,
            on stack: ServiceStack,
            sourceLocation: SourceLocation = #_sourceLocation
        ) async throws {
            for service in ServiceKind.resourceServices {
                let took = try await Self.refusedWithinASecond(service, session.accessToken, on: stack)
                #expect(took != nil, "\(service.rawValue) still accepted the session after 1 s", sourceLocation: sourceLocation)
            }
        }

        @Test("the admin API's lock reaches every service within a second; a locked account's login is 403")
        func adminLockReachesEveryService() async throws {
            try await withStack(StackOptions(separateInternalPort: true)) { stack in
                let account = try await TestAccount.create(on: stack, label: "admin-lock")
                let session = try await account.login(on: stack)
                let internalPort = try #require(stack.internalAuthPort)
                let admin = ["Authorization": stack.adminAuthorization]
                let lock = try await HTTP.send(
                    .post,
                    "http://127.0.0.1:\(internalPort)/internal/v1/admin/accounts/\(account.id)/lock",
                    headers: admin
                )
                #expect(lock.status == 204)
                try await Self.expectRefusedEverywhere(session, on: stack)
                let login = try await HTTP.send(.post, stack.url(.auth, "/v1/sessions"), json: account.credentials)
                ProblemCheck.expect(login, status: 403, type: "account-locked")
                // The public port does not serve the internal API when it has a port of its own.
                #expect(
                    try await HTTP.send(.post, stack.url(.auth, "/internal/v1/admin/accounts/\(account.id)/unlock"), headers: admin).status == 404
                )
            }
        }

        @Test("auth admin: account, lock, unlock, end-sessions and end-all-sessions, with the contract's exit statuses")
        func authAdminCommand() async throws {
            try await withStack { stack in
                let account = try await TestAccount.create(on: stack, label: "auth-admin")
                let session = try await account.login(on: stack)

                let shown = try await stack.runAuthAdmin(["account", account.email.uppercased()])
                #expect(shown.status == 0)
                let json = try JSONValue.parse(Data(shown.output.utf8))
                #expect(json["id"]?.string == account.id)
                #expect(json["sessions"]?.array?.count == 1)
                #expect(!shown.output.contains("$2b$"))

                #expect(try await stack.runAuthAdmin(["lock", account.id]).status == 0)
                try await Self.expectRefusedEverywhere(session, on: stack)
                ProblemCheck.expect(
                    try await HTTP.send(.post, stack.url(.auth, "/v1/sessions"), json: account.credentials),
                    status: 403,
                    type: "account-locked"
                )
                #expect(try await stack.runAuthAdmin(["unlock", account.id]).status == 0)

                let again = try await account.login(on: stack)
                #expect(try await stack.runAuthAdmin(["end-sessions", account.id]).status == 0)
                try await Self.expectRefusedEverywhere(again, on: stack)

                let missing = try await stack.runAuthAdmin(["end-sessions", UUID().uuidString])
                #expect(missing.status == 1 && missing.errors.contains("no account has this id"))
                #expect(try await stack.runAuthAdmin(["account", "nobody@e2e.example"]).status == 1)
                #expect(try await stack.runAuthAdmin(["lock", "not-a-uuid"]).status == 2)
                #expect(try await stack.runAuthAdmin(["end-all-sessions"]).status == 2)
                #expect(try await stack.runAuthAdmin(["no-such-command"]).status == 2)

                let last = try await account.login(on: stack)
                let killed = try await stack.runAuthAdmin(["end-all-sessions", "--yes"])
                #expect(killed.status == 0)
                try await Self.expectRefusedEverywhere(last, on: stack)
            }
        }
    }
}
