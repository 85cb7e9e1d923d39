import Foundation

/// Phase 3, dangerous writes: `POST /v1/notes` with local verification alone and with the session check, on
/// few connections (default one: the latency a write gains, without queueing). Beside them, what a check costs
/// at the least: auth's introspection endpoint asked directly (one loopback round trip plus auth's session
/// lookup) and a bare round trip to auth (`GET /healthz`).
extension LoadPhases {
    func writes() async throws {
        let connections = self.settings.writeConnections
        let seconds = self.settings.runSeconds
        self.log("3/6 dangerous writes: POST /v1/notes, \(connections) connections")
        let post = ["BENCH_METHOD": "POST", "BENCH_BODY": #"{"title":"Benchmark note","body":"Written by make bench."}"#]
        let server = self.stack.benchServer.url
        let writes = ["nocheck", "local"].map { variant in
            (name: variant, load: WrkLoad(url: server, path: "/\(variant)/v1/notes", connections: connections, seconds: seconds, settings: post))
        }
        let basic = Data("bench:\(self.stack.benchSecret)".utf8).base64EncodedString()
        let auth = self.stack.auth.url
        let introspection = WrkLoad(
            url: auth,
            path: "/internal/v1/introspect",
            connections: connections,
            seconds: seconds,
            settings: ["BENCH_MODE": "introspect", "BENCH_BASIC": basic]
        )
        for write in writes {
            await self.wrk.warmUp(write.load)
        }
        var introspectionWarmUp = introspection
        introspectionWarmUp.connections = 1
        await self.wrk.warmUp(introspectionWarmUp)
        for round in 1...self.settings.rounds {
            for write in writes {
                try await self.wrk.record("write", write.name, round: round, write.load)
            }
            try await self.wrk.record("write", "introspection", round: round, introspection)
            try await self.wrk.record(
                "write",
                "healthz",
                round: round,
                WrkLoad(url: auth, path: "/healthz", connections: connections, seconds: seconds)
            )
        }
    }
}
