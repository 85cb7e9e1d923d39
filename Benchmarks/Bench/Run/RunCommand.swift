import ArgumentParser
import Foundation

/// `latchkey-bench run`: the whole of `make bench` once the release build and PostgreSQL are there.
///
/// `Scripts/bench.sh` builds, starts a throwaway PostgreSQL and calls this; everything after is Swift
/// (``BenchRun``): the services on free ports of 127.0.0.1, seeding, every phase in order, the memory figures,
/// `meta.json` and the report. The run's settings are options, each falling back to the `BENCH_*` variable
/// `make bench` has always read, then to its default.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Start the stack, run every benchmark, write latest.md and latest.json.",
        discussion: """
            Run from the repository root (Scripts/bench.sh does). Every process started is stopped by PID when \
            the run ends, fails or gets SIGINT, SIGTERM or SIGHUP (exit status 130, 143, 129); all load goes to \
            127.0.0.1 and is bounded in time.
            """
    )

    @Option(help: "The folder of the release executables (auth, notes, profile, latchkey-bench-server).")
    var bin: String

    @Option(help: "The PostgreSQL server, with databases auth, notes and profile (postgres://USER@HOST:PORT).")
    var postgresURL: String

    @Option(help: "The work folder: services' logs, raw records, tokens (it must exist).")
    var work: String

    @Option(help: "Where latest.md and latest.json go (BENCH_OUT_DIR, else bench/results).")
    var outDir: String?

    @Option(help: "Seconds of each timed HTTP run (BENCH_SECONDS, else 3).")
    var seconds: Int?

    @Option(help: "Rounds per variant; variants alternate within a round (BENCH_ROUNDS, else 4).")
    var rounds: Int?

    @Option(help: "Users (tokens) in rotation (BENCH_USERS, else 1000).")
    var users: Int?

    @Option(help: "BCRYPT_COST of the auth under test, for the login storm (BENCH_BCRYPT_COST, else 12).")
    var bcryptCost: Int?

    @Option(help: "Connections of the write benchmark (BENCH_WRITE_CONNECTIONS, else 1: the latency one write gains).")
    var writeConnections: Int?

    @Option(help: "Connections of the login storm (BENCH_STORM_CONNECTIONS, else 8).")
    var stormConnections: Int?

    @Option(help: "Run only these phases, e.g. read,write (BENCH_PHASES, else \(RunSettings.allPhases)); memory is always measured.")
    var phases: String?

    @Option(help: "After seeding, keep the stack up this long (at most 3600 s) and print its URLs and PIDs (BENCH_HOLD).")
    var hold: Int?

    @Option(help: "The swift executable whose version the report names (SWIFT, else swift).")
    var swift: String?

    @Option(help: "Seconds the release build took, for the report.")
    var buildSeconds = 0

    @Option(help: "Seconds the calling script had run before this command (the build included): its log's clock.")
    var setupSeconds = 0

    /// A bad setting is a usage error, found before anything starts.
    func validate() throws {
        _ = try RunSettings(self, environment: ProcessInfo.processInfo.environment)
    }

    func run() async throws {
        let settings = try RunSettings(self, environment: ProcessInfo.processInfo.environment)
        let log = RunLog(offsetSeconds: self.setupSeconds)
        do {
            try await BenchRun(settings: settings, log: log).run()
        } catch {
            await Interrupts.yieldToInterrupt()
            log("error: \(error)")
            throw ExitCode.failure
        }
    }
}
