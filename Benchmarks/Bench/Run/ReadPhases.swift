/// Phase 2, safe reads: the same `GET /v1/notes/{id}` (one Postgres lookup) without authentication, with local
/// verification, with introspection in every request (the bench server) and on the shipped `notes`; then the
/// authentication layer alone (`GET /v1/whoami`, no database) and the shipped `profile`, for the memory figures.
extension LoadPhases {
    func reads() async throws {
        let connections = self.settings.readConnections
        self.log("2/6 safe reads: GET /v1/notes/{id}, \(connections) connections")
        let server = self.stack.benchServer.url
        try await self.alternating(
            "read",
            [
                ("none", self.load(server, "/none/v1/notes/{note}")),
                ("local", self.load(server, "/local/v1/notes/{note}")),
                ("introspect", self.load(server, "/introspect/v1/notes/{note}")),
                ("shipped", self.load(self.stack.notes.url, "/v1/notes/{note}")),
            ]
        )
    }

    func whoami() async throws {
        self.log("2/6 the authentication layer alone: GET /v1/whoami")
        let variants = ["none", "local", "introspect", "nocache"]
        try await self.alternating("whoami", variants.map { ($0, self.load(self.stack.benchServer.url, "/\($0)/v1/whoami")) })
    }

    func profileReads() async throws {
        self.log("2/6 GET /v1/profile on the shipped profile service")
        let load = self.load(self.stack.profile.url, "/v1/profile")
        await self.wrk.warmUp(load)
        try await self.wrk.record("profile", "shipped", round: 1, load)
    }

    /// A read at the read connections, for the run's length.
    private func load(_ url: String, _ path: String) -> WrkLoad {
        WrkLoad(url: url, path: path, connections: self.settings.readConnections, seconds: self.settings.runSeconds)
    }
}
