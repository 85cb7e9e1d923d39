import ArgumentParser
import AuthService
import Foundation
import Hummingbird
import ServiceSupport

/// The `auth` executable: `auth` (or `auth serve`) runs the service; `auth admin …` acts on accounts
/// and sessions against the database directly, for an operator who cannot reach the admin API.
///
/// Exit status: 0 on success, 1 with a message on standard error when the account does not exist
/// (or the action failed), 2 on a usage error, 78 on a bad setting.
@main
struct AuthCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "auth",
        abstract: "Latchkey's auth service: accounts, sessions, tokens and the revocation feed.",
        discussion: "Settings come from the environment (DATABASE_URL, AUTH_SECRET_KEY, …; see the README).",
        subcommands: [Serve.self, Admin.self],
        defaultSubcommand: Serve.self
    )

    /// Parses the command line and runs the command, with the contract's exit statuses (argument
    /// parser's own usage status, 64, becomes 2).
    static func main() async {
        do {
            var command = try self.parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            let code = self.exitCode(for: error)
            if code == .validationFailure {
                FileHandle.standardError.write(Data((self.fullMessage(for: error) + "\n").utf8))
                Foundation.exit(2)
            }
            self.exit(withError: error)
        }
    }
}

/// `auth serve`: runs the service until SIGTERM (the default when no subcommand is given).
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the auth service (the default).")

    func run() async throws {
        let settings = SettingsLoader.load(service: "auth") { try AuthSettings(environment: $0) }
        let (logger, registry) = Observability.bootstrap(service: "auth", level: settings.common.logLevel, format: settings.common.logFormat)
        // Before the application: its HTTP clients take the tracer when they are made.
        let tracing = try Observability.bootstrapTracing(service: "auth", logger: logger, environment: ProcessInfo.processInfo.environment)
        let app = try await buildApplication(settings: settings, logger: logger, registry: registry)
        await ServiceRunner.run(service: "auth", app, tracing: tracing, logger: logger)
    }
}
