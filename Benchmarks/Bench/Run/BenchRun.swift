import Foundation

/// The run of `make bench`, in the order it has always had: verification in process, the stack, idle memory,
/// seeding (and `BENCH_HOLD`), reads, memory after the reads, writes, refreshes, the login storm, revocation
/// reach, the memory records, `meta.json` and the report. Every process it starts is stopped by PID when it
/// ends, fails or is interrupted (``ChildProcesses``, ``Interrupts``).
struct BenchRun {
    let settings: RunSettings
    let log: RunLog

    func run() async throws {
        for executable in BenchStack.executables where !FileManager.default.isExecutableFile(atPath: "\(self.settings.bin)/\(executable)") {
            throw BenchError("\(self.settings.bin)/\(executable) is missing; run without BENCH_SKIP_BUILD")
        }
        let wrk = try Wrk(settings: self.settings)
        try ChildProcesses.shared.recordPIDs(in: self.settings.work + "/pids")
        Interrupts.install { [log] signal in
            log("interrupted (signal \(signal)): stopping every process of the run")
            ChildProcesses.shared.stopAll(grace: .seconds(3))
        }
        guard FileManager.default.createFile(atPath: self.settings.raw, contents: nil) else { throw BenchError("cannot write \(self.settings.raw)") }
        do {
            try await self.measure(wrk)
        } catch {
            ChildProcesses.shared.stopAll()
            throw error
        }
        ChildProcesses.shared.stopAll()
        try self.report()
    }

    /// Every benchmark, and the memory records while the services still run.
    private func measure(_ wrk: Wrk) async throws {
        if self.settings.runs("verify") {
            self.log("1/6 token verification in process (one core)")
            try await self.inProcess("verification benchmark", "verify.log") { say in
                try await CPUPinning.onOneCore {
                    try await VerifyBenchmark(out: self.settings.raw, seconds: 1, rounds: self.settings.rounds, tokenCount: 1000, say: say).run()
                    try await TracingOverheadBenchmark(out: self.settings.raw, seconds: 1, rounds: self.settings.rounds, say: say).run()
                }
            }
        }

        self.log("starting the stack")
        let stack = try await BenchStack.start(settings: self.settings)
        let idle = try self.residentMegabytes(stack)
        let figures = ["auth", "notes", "profile"].map { "\($0) " + String(format: "%.2f", idle[$0] ?? .nan) }
        self.log("idle RSS (MB): \(figures.joined(separator: ", "))")

        self.log("seeding \(self.settings.users) users (account, session, one note, a profile) and \(self.settings.stormUsers) storm users")
        try await self.inProcess("seeding", "seed.log") { say in
            try await Seeder(
                auth: stack.authSeed.url,
                notes: stack.notes.url,
                profile: stack.profile.url,
                users: self.settings.users,
                out: self.settings.tokens,
                stormAuth: stack.auth.url,
                stormUsers: self.settings.stormUsers,
                stormOut: self.settings.stormTokens,
                say: say
            )
            .run()
        }
        if let seconds = self.settings.holdSeconds { try await self.hold(stack, seconds: seconds) }

        let phases = LoadPhases(settings: self.settings, stack: stack, wrk: wrk, log: self.log)
        if self.settings.runs("read") { try await phases.reads() }
        if self.settings.runs("whoami") { try await phases.whoami() }
        if self.settings.runs("read") { try await phases.profileReads() }
        let afterRead = try self.residentMegabytes(stack)
        if self.settings.runs("write") { try await phases.writes() }
        if self.settings.runs("refresh") { try await self.refresh(stack) }
        if self.settings.runs("storm") { try await phases.storm() }
        if self.settings.runs("reach") { try await self.reach(stack) }

        // The high-water mark of the whole run: seeding, reads, writes, refreshes and the storm.
        for service in stack.measured {
            let values = [
                "idle_mb": idle[service.name] ?? .nan, "after_read_mb": afterRead[service.name] ?? .nan, "peak_mb": try service.megabytes("VmHWM"),
            ]
            try Record(bench: "memory", variant: service.name, round: 1, values: values).append(to: self.settings.raw)
        }
    }

    /// Phase 4, refresh rotations: ``RefreshBenchmark``, 16 clients each rotating its own chain.
    private func refresh(_ stack: BenchStack) async throws {
        self.log("4/6 refresh rotations, \(self.settings.refreshConcurrency) clients")
        try await self.inProcess("refresh benchmark", "refresh.log") { say in
            try await RefreshBenchmark(
                auth: stack.auth.url,
                tokens: self.settings.tokens,
                out: self.settings.raw,
                seconds: Double(self.settings.runSeconds),
                rounds: self.settings.rounds,
                concurrency: self.settings.refreshConcurrency,
                say: say
            )
            .run()
        }
    }

    /// Phase 6, revocation reach: ``ReachBenchmark``, fresh sessions logged in on the seeding replica.
    private func reach(_ stack: BenchStack) async throws {
        self.log("6/6 revocation reach")
        try await self.inProcess("reach benchmark", "reach.log") { say in
            try await ReachBenchmark(
                auth: stack.auth.url,
                loginAuth: stack.authSeed.url,
                notes: stack.notes.url,
                tokens: self.settings.tokens,
                out: self.settings.raw,
                samples: ReachBenchmark.defaultSamples,
                say: say
            )
            .run()
        }
    }

    /// `BENCH_HOLD`: the seeded stack stays up, e.g. to profile a service with `perf record -p PID` under wrk.
    private func hold(_ stack: BenchStack, seconds: Int) async throws {
        self.log(
            "holding the stack for \(seconds)s: auth \(stack.auth.url) (pid \(stack.auth.pid)), notes \(stack.notes.url) (pid \(stack.notes.pid)),"
        )
        self.log("  profile \(stack.profile.url) (pid \(stack.profile.pid)), bench server \(stack.benchServer.url) (pid \(stack.benchServer.pid));")
        self.log("  users: \(self.settings.tokens); wrk script: \(self.settings.wrkScript) (BENCH_USERS=... BENCH_PATH=...)")
        try await Task.sleep(for: .seconds(seconds))
    }

    /// `meta.json`, then the report (latest.md and latest.json in the output folder).
    private func report() throws {
        let total = self.log.elapsedSeconds
        try RunMeta(settings: self.settings, totalSeconds: total).write(to: self.settings.work + "/meta.json")
        try FileManager.default.createDirectory(atPath: self.settings.outDir, withIntermediateDirectories: true)
        let markdown = self.settings.outDir + "/latest.md"
        let json = self.settings.outDir + "/latest.json"
        try Report(raw: self.settings.raw, meta: self.settings.work + "/meta.json", markdown: markdown, json: json).run()
        // The report's line (standard output) before the log's last (standard error), when both go to one file.
        fflush(nil)
        self.log("done in \(total)s: \(markdown) and \(json)")
    }

    /// `VmRSS` of each measured service, by name.
    private func residentMegabytes(_ stack: BenchStack) throws -> [String: Double] {
        var figures: [String: Double] = [:]
        for service in stack.measured { figures[service.name] = try service.megabytes("VmRSS") }
        return figures
    }

    /// Runs an in-process benchmark with its lines going to `file` in the work folder; its failure names it.
    private func inProcess(_ name: String, _ file: String, _ body: (@escaping @Sendable (String) -> Void) async throws -> Void) async throws {
        let path = self.settings.work + "/" + file
        do {
            try await body(try LogFile.lines(path))
        } catch {
            throw BenchError("\(name) failed: \(error) (its lines: \(path))")
        }
    }
}
