import ArgumentParser
import Foundation

/// The settings of one run, resolved: each option when given, else its `BENCH_*` variable, else the default
/// `make bench` has always used. The fixed figures (64 read connections, 8 storm users, 16 refresh clients)
/// are here too, so that `meta.json` and the phases read them from one place.
struct RunSettings: Sendable {
    static let allPhases = "verify,read,whoami,write,refresh,storm,reach"

    let bin: String
    let postgresURL: String
    let work: String
    let outDir: String
    let runSeconds: Int
    let rounds: Int
    let users: Int
    let bcryptCost: Int
    let readConnections = 64
    let writeConnections: Int
    let stormConnections: Int
    let stormUsers = 8
    let refreshConcurrency = 16
    let phases: Set<String>
    let holdSeconds: Int?
    let swift: String
    let buildSeconds: Int
    /// `Benchmarks/wrk/rotate.lua`, absolute: wrk reads it from its own working folder.
    let wrkScript: String

    init(_ command: RunCommand, environment: [String: String]) throws {
        /// The option, else the variable (unset or empty: the default).
        func setting(_ option: Int?, _ variable: String, _ fallback: Int) throws -> Int {
            if let option { return option }
            guard let raw = environment[variable], !raw.isEmpty else { return fallback }
            guard let value = Int(raw) else { throw ValidationError("\(variable) must be a whole number, not '\(raw)'") }
            return value
        }
        func text(_ option: String?, _ variable: String, _ fallback: String) -> String {
            option ?? environment[variable].flatMap { $0.isEmpty ? nil : $0 } ?? fallback
        }
        self.bin = command.bin
        self.postgresURL = command.postgresURL
        self.work = command.work
        self.outDir = text(command.outDir, "BENCH_OUT_DIR", "bench/results")
        self.runSeconds = try setting(command.seconds, "BENCH_SECONDS", 3)
        self.rounds = try setting(command.rounds, "BENCH_ROUNDS", 4)
        self.users = try setting(command.users, "BENCH_USERS", 1000)
        self.bcryptCost = try setting(command.bcryptCost, "BENCH_BCRYPT_COST", 12)
        self.writeConnections = try setting(command.writeConnections, "BENCH_WRITE_CONNECTIONS", 1)
        self.stormConnections = try setting(command.stormConnections, "BENCH_STORM_CONNECTIONS", 8)
        self.phases = Set(text(command.phases, "BENCH_PHASES", Self.allPhases).split(separator: ",").map(String.init))
        let hold = try setting(command.hold, "BENCH_HOLD", -1)
        self.holdSeconds = hold < 0 ? nil : min(hold, 3600)
        self.swift = text(command.swift, "SWIFT", "swift")
        self.buildSeconds = command.buildSeconds
        self.wrkScript = URL(fileURLWithPath: "Benchmarks/wrk/rotate.lua").standardizedFileURL.path
        guard self.runSeconds > 0, self.rounds > 0, self.users > 0 else {
            throw ValidationError("seconds, rounds and users must be above zero")
        }
        // Found out now rather than minutes into the run.
        guard FileManager.default.fileExists(atPath: self.wrkScript) else {
            throw ValidationError("\(self.wrkScript) is missing: run from the repository root")
        }
        if self.runs("reach"), self.users < ReachBenchmark.defaultSamples {
            throw ValidationError("the reach benchmark needs \(ReachBenchmark.defaultSamples) users")
        }
        if self.runs("refresh"), self.users < self.refreshConcurrency {
            throw ValidationError("the refresh benchmark needs \(self.refreshConcurrency) users")
        }
    }

    /// Whether `name` is among the phases to run.
    func runs(_ name: String) -> Bool {
        self.phases.contains(name)
    }

    var raw: String { self.work + "/raw.jsonl" }
    var tokens: String { self.work + "/tokens.txt" }
    var stormTokens: String { self.work + "/storm.txt" }
}
