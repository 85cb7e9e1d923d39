import Testing

extension SharedStackSuite {
    /// `/healthz`, `/readyz` and `/metrics` on every service.
    @Suite("Health endpoints")
    struct HealthTests {
        /// Each service answers `/healthz` and `/readyz` with 200 and `/metrics` in the Prometheus text format.
        @Test("health, readiness and metrics answer", arguments: ServiceKind.standard)
        func endpoints(service: ServiceKind) async throws {
            let stack = try CurrentStack.require()
            #expect(try await HTTP.send(.get, stack.url(service, "/healthz")).status == 200)
            #expect(try await HTTP.send(.get, stack.url(service, "/readyz")).status == 200)
            let metrics = try await HTTP.send(.get, stack.url(service, "/metrics"))
            #expect(metrics.status == 200)
            #expect(metrics.header("Content-Type")?.hasPrefix("text/plain") == true)
            #expect(metrics.text.contains("# TYPE "))
            #expect(!PrometheusText.samples(in: metrics.text).isEmpty)
        }
    }
}
