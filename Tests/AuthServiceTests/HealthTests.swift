import Foundation
import HTTPTypes
import HummingbirdTesting
import TestSupport
import Testing

/// `GET /healthz`, `GET /readyz` and `GET /metrics`.
@Suite struct HealthTests {
    /// `/healthz` and, once started, `/readyz` answer 200; `/metrics` answers 200 in the Prometheus
    /// text format.
    @Test func healthReadinessAndMetrics() async throws {
        try await TestApp.run { api in
            #expect(try await api.send(.get, "/healthz").status == .ok)
            #expect(try await api.send(.get, "/readyz").status == .ok)
            let metrics = try await api.send(.get, "/metrics")
            #expect(metrics.status == .ok)
            #expect(metrics.mediaType == "text/plain")
        }
    }

    /// An unknown path is a 404 problem, not an empty response.
    @Test func unknownPathIsNotFound() async throws {
        try await TestApp.run { api in
            expectProblem(try await api.send(.get, "/v1/nothing-here"), .notFound)
        }
    }
}
