import Foundation

/// `meta.json`: what the report says about the run besides its figures (commit, machine, toolchain, load
/// generator, durations and settings), with the names and types the report reads.
struct RunMeta: Encodable {
    let commit: String
    let dirty: Bool
    let date: String
    let cores: Int
    let cpu: String
    let swift: String
    let load: String
    let buildSeconds: Int
    let benchSeconds: Int
    let totalSeconds: Int
    let rounds: Int
    let runSeconds: Int
    let users: Int
    let readConnections: Int
    let writeConnections: Int
    let stormConnections: Int
    let refreshConcurrency: Int
    let bcryptCost: Int

    enum CodingKeys: String, CodingKey {
        case commit, dirty, date, cores, cpu, swift, load, rounds, users
        case buildSeconds = "build_seconds"
        case benchSeconds = "bench_seconds"
        case totalSeconds = "total_seconds"
        case runSeconds = "run_seconds"
        case readConnections = "read_connections"
        case writeConnections = "write_connections"
        case stormConnections = "storm_connections"
        case refreshConcurrency = "refresh_concurrency"
        case bcryptCost = "bcrypt_cost"
    }

    /// The facts of this run, now that its benchmarks are done (`totalSeconds` counts from the script's start).
    init(settings: RunSettings, totalSeconds: Int) {
        if let head = Executables.run("git", ["rev-parse", "--short=12", "HEAD"]), head.status == 0 {
            self.commit = head.output.trimmingCharacters(in: .whitespacesAndNewlines)
        } else {
            self.commit = "unknown"
        }
        let status = Executables.run("git", ["status", "--porcelain", "--untracked-files=no"])
        self.dirty = status?.status == 0 && status?.output.isEmpty == false
        self.date = Date.now.formatted(.iso8601)
        self.cores = ProcessInfo.processInfo.activeProcessorCount
        let cpuInfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let model = cpuInfo.split(separator: "\n").first { $0.hasPrefix("model name") }
        self.cpu = model.flatMap { $0.split(separator: ":", maxSplits: 1).last }?.trimmingCharacters(in: .whitespaces) ?? "unknown"
        self.swift = Self.firstLine(Executables.run(settings.swift, ["--version"])?.output)
        let wrk = Self.firstLine(Executables.run("wrk", ["-v"], mergingErrors: true)?.output)
        let wrkVersion = wrk.split(separator: " ").prefix(2).joined(separator: " ")
        self.load = "\(wrkVersion) (2 threads) with Benchmarks/wrk/rotate.lua; latchkey-bench (AsyncHTTPClient) for refresh and reach"
        self.buildSeconds = settings.buildSeconds
        self.totalSeconds = totalSeconds
        self.benchSeconds = totalSeconds - settings.buildSeconds
        self.rounds = settings.rounds
        self.runSeconds = settings.runSeconds
        self.users = settings.users
        self.readConnections = settings.readConnections
        self.writeConnections = settings.writeConnections
        self.stormConnections = settings.stormConnections
        self.refreshConcurrency = settings.refreshConcurrency
        self.bcryptCost = settings.bcryptCost
    }

    private static func firstLine(_ text: String?) -> String {
        text?.split(separator: "\n").first.map(String.init) ?? ""
    }

    func write(to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try encoder.encode(self).write(to: URL(fileURLWithPath: path))
    }
}
