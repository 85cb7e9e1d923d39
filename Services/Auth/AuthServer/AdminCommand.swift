import ArgumentParser
import AuthService
import Foundation
import Logging
import ServiceSupport

/// `auth admin …`: the admin API's actions, run against the database directly.
struct Admin: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Act on accounts and sessions without the admin API.",
        discussion: """
            For an operator who cannot reach auth's internal port. Uses the same settings as the service \
            (DATABASE_URL and AUTH_SECRET_KEY at least) and works while auth runs: every session ended here \
            goes out on the revocation feed, so the resource services refuse it within a second. Every \
            action is recorded as a security event of the account.

            Find an account's id with `auth admin account EMAIL`.
            """,
        subcommands: [Account.self, EndSessions.self, Lock.self, Unlock.self, EndAllSessions.self]
    )

    /// Runs `action` with an admin service on the configured database; logs go to standard error.
    static func run<Value: Sendable>(_ action: (AdminService) async throws -> Value) async throws -> Value {
        let settings = SettingsLoader.load(service: "auth admin") { try AuthSettings(environment: $0) }
        var logger = Logger(label: "auth-admin") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = .warning
        return try await AdminService.withDatabase(settings: settings, logger: logger, action)
    }

    /// Exit status 1 with `message` on standard error.
    static func fail(_ message: String) -> ExitCode {
        FileHandle.standardError.write(Data("auth admin: \(message)\n".utf8))
        return ExitCode(1)
    }

    /// An account id argument, checked before anything connects.
    struct AccountID: ParsableArguments {
        @Argument(help: "The account's id (a UUID, as `auth admin account EMAIL` prints it).")
        var accountID: String

        func validate() throws {
            guard UUID(uuidString: self.accountID) != nil else { throw ValidationError("'\(self.accountID)' is not an account id (a UUID)") }
        }

        var id: UUID { UUID(uuidString: self.accountID)! }
    }

    struct Account: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print an account and its active sessions as JSON (the admin API's answer).",
            discussion: "Exit status 1 when no account has this e-mail."
        )

        @Argument(help: "The account's e-mail address.")
        var email: String

        func run() async throws {
            guard let account = try await Admin.run({ try await $0.account(email: self.email) }) else {
                throw Admin.fail("no account has this e-mail")
            }
            let encoder = JSONResponse.makeEncoder()
            encoder.outputFormatting.insert(.prettyPrinted)
            print(String(decoding: try encoder.encode(account), as: UTF8.self))
        }
    }

    struct EndSessions: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "end-sessions",
            abstract: "End every session of one account (it may log in again).",
            discussion: "Exit status 1 when no account has this id."
        )

        @OptionGroup var account: AccountID

        func run() async throws {
            guard try await Admin.run({ try await $0.endSessions(accountID: self.account.id) }) else { throw Admin.fail("no account has this id") }
            print("Every session of account \(self.account.id.uuidString.lowercased()) has ended.")
        }
    }

    struct Lock: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Lock an account: end every session of it and refuse its logins until unlocked.",
            discussion: "A locked account's right password gets 403 account-locked. Exit status 1 when no account has this id."
        )

        @OptionGroup var account: AccountID

        func run() async throws {
            guard try await Admin.run({ try await $0.lock(accountID: self.account.id) }) else { throw Admin.fail("no account has this id") }
            print("Account \(self.account.id.uuidString.lowercased()) is locked; its sessions have ended.")
        }
    }

    struct Unlock: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Unlock an account: it may log in again.",
            discussion: "Exit status 1 when no account has this id."
        )

        @OptionGroup var account: AccountID

        func run() async throws {
            guard try await Admin.run({ try await $0.unlock(accountID: self.account.id) }) else { throw Admin.fail("no account has this id") }
            print("Account \(self.account.id.uuidString.lowercased()) is unlocked.")
        }
    }

    struct EndAllSessions: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "end-all-sessions",
            abstract: "The kill switch: end every session of every account.",
            discussion: "Everyone must log in again. Needs --yes, so that it is never run by accident."
        )

        @Flag(help: "Confirm that every session of every account should end.")
        var yes = false

        func validate() throws {
            guard self.yes else { throw ValidationError("this ends every session of every account; add --yes to confirm") }
        }

        func run() async throws {
            let ended = try await Admin.run { try await $0.endAllSessions() }
            print("Every session has ended (\(ended) sessions).")
        }
    }
}
