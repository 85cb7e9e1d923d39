import Foundation

/// One wrk load: where, how many connections, how long, and the settings `Benchmarks/wrk/rotate.lua` reads
/// (`BENCH_METHOD`, `BENCH_BODY`, `BENCH_MODE`, `BENCH_BASIC`, `BENCH_PASSWORD`, `BENCH_DELAY_MS`).
struct WrkLoad: Sendable {
    var url: String
    var path: String
    var connections: Int
    var seconds: Int
    /// wrk's `--timeout`: a request unanswered this long counts as an error.
    var timeout = "10s"
    /// The users file (nil: the seeded users' tokens).
    var users: String? = nil
    var settings: [String: String] = [:]
}

/// Timed HTTP load with wrk and `Benchmarks/wrk/rotate.lua`, exactly as the shell ran it: two threads (one for
/// one connection), the script's settings in wrk's environment, wrk's output appended to `wrk.log`. A recorded
/// run's `done()` appends one record to `raw.jsonl`; a warm-up's figures are dropped.
struct Wrk: Sendable {
    let executable: String
    let settings: RunSettings
    /// This process's environment without any `BENCH_*` variable: wrk gets only the settings of its load, so a
    /// `BENCH_USERS=100` of the caller never reaches the script, which reads a file name from it.
    private let environment: [String: String]

    init(settings: RunSettings) throws {
        self.executable = try Executables.find("wrk")
        self.settings = settings
        self.environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("BENCH_") }
    }

    /// One timed run whose record is `bench`/`variant`/`round`; fails when wrk does.
    func record(_ bench: String, _ variant: String, round: Int, _ load: WrkLoad) async throws {
        let wrk = try self.start(bench, variant, round: round, load)
        guard await wrk.exitStatus() == 0 else { throw BenchError("wrk failed (\(bench) \(variant)); see \(self.settings.work)/wrk.log") }
    }

    /// Starts a timed run without waiting for it (the login storm runs beside other loads).
    func start(_ bench: String, _ variant: String, round: Int, _ load: WrkLoad) throws -> ChildProcess {
        let record = ["BENCH_OUT": self.settings.raw, "BENCH_NAME": bench, "BENCH_VARIANT": variant, "BENCH_ROUND": "\(round)"]
        return try self.launch(load, seconds: load.seconds, record: record)
    }

    /// A one-second run whose figures are dropped: it warms connections and caches. Its failure is ignored,
    /// as the recorded runs that follow report any.
    func warmUp(_ load: WrkLoad) async {
        guard let wrk = try? self.launch(load, seconds: 1, record: [:]) else { return }
        _ = await wrk.exitStatus()
    }

    private func launch(_ load: WrkLoad, seconds: Int, record: [String: String]) throws -> ChildProcess {
        let threads = load.connections >= 2 ? 2 : 1
        let script = ["BENCH_USERS": load.users ?? self.settings.tokens, "BENCH_PATH": load.path]
        return try ChildProcess(
            name: "wrk",
            executable: self.executable,
            arguments: [
                "-t\(threads)", "-c\(load.connections)", "-d\(seconds)s", "--timeout", load.timeout, "-s", self.settings.wrkScript, load.url,
            ],
            environment: self.environment.merging(script) { $1 }.merging(record) { $1 }.merging(load.settings) { $1 },
            log: LogFile.appending(self.settings.work + "/wrk.log")
        )
    }
}
