/// Phase 4, the login storm: logins at the benchmark's bcrypt cost while light, steady reads run on `notes` (a
/// neighbour on the same machine) and on auth's own JWKS (is auth's event loop ever held by hashing?), each
/// round an idle phase and a storm phase.
extension LoadPhases {
    func storm() async throws {
        self.log("4/6 login storm at BCRYPT_COST=\(self.settings.bcryptCost): reads idle vs during the storm")
        let seconds = self.settings.runSeconds
        let logins = WrkLoad(
            url: self.stack.auth.url,
            path: "/v1/sessions",
            connections: self.settings.stormConnections,
            seconds: seconds + 2,
            timeout: "20s",
            users: self.settings.stormTokens,
            settings: ["BENCH_MODE": "login", "BENCH_PASSWORD": Seeder.password]
        )
        for round in 1...self.settings.rounds {
            try await self.lightReads("idle", round: round)
            let storm = try self.wrk.start("storm", "logins", round: round, logins)
            try await Task.sleep(for: .seconds(1))
            try await self.lightReads("storm", round: round)
            guard await storm.exitStatus() == 0 else { throw BenchError("the login storm failed; see \(self.settings.work)/wrk.log") }
            // Logins that wrk left queued in auth still hash after it stops: let them drain, so that the next
            // round's idle phase is idle.
            try await Task.sleep(for: .seconds(3))
        }
    }

    /// Light and steady: each connection pauses 4 ms before each request (about 1,000 reads/s on notes and 500
    /// on auth at most), so that idle means idle; unthrottled, these reads alone saturate both cores and their
    /// p99 measures the scheduler's queue rather than the storm.
    private func lightReads(_ phase: String, round: Int) async throws {
        let pause = ["BENCH_DELAY_MS": "4"]
        let seconds = self.settings.runSeconds
        async let notes: Void = self.wrk.record(
            "storm",
            "notes-\(phase)",
            round: round,
            WrkLoad(url: self.stack.notes.url, path: "/v1/notes/{note}", connections: 4, seconds: seconds, settings: pause)
        )
        try await self.wrk.record(
            "storm",
            "auth-\(phase)",
            round: round,
            WrkLoad(url: self.stack.auth.url, path: "/.well-known/jwks.json", connections: 2, seconds: seconds, settings: pause)
        )
        try await notes
    }
}
