import Foundation
import TestSupport
import Testing

extension OperationsSuite {
    /// The metrics an operator needs, on each service's `/metrics`, in Prometheus' conventions (units in
    /// names, `_total` counters): the process's own from `/proc`, and each service's signals.
    @Suite("Operator metrics", .serviceLogsOnFailure, .timeLimit(.minutes(2)))
    struct OperatorMetricsTests {
        static let processMetrics = [
            "process_resident_memory_bytes", "process_cpu_seconds_total", "process_open_fds", "process_max_fds",
            "process_start_time_seconds", "process_virtual_memory_bytes",
        ]

        /// Every outcome of a counter is exported (at 0) once the counter is first used: after one refresh,
        /// the theft alert's `latchkey_refreshes_total{outcome="theft"}` exists.
        @Test("process, introspection, feed, login, refresh and hashing metrics are exported after a login, a write and a refresh")
        func operatorMetricsAreExported() async throws {
            try await withStack { stack in
                let account = try await TestAccount.create(on: stack, label: "metrics")
                let session = try await account.login(on: stack)
                let write = try await HTTP.send(.post, stack.url(.notes, "/v1/notes"), bearer: session.accessToken, json: ["title": "counted"])
                #expect(write.status == 201)
                let refreshed = try await HTTP.send(
                    .post,
                    stack.url(.auth, "/v1/sessions/refresh"),
                    json: ["refresh_token": .string(session.refreshToken)]
                )
                #expect(refreshed.status == 200)

                for service in [ServiceKind.auth, .notes, .profile] {
                    let samples = PrometheusText.samples(in: try await HTTP.send(.get, stack.url(service, "/metrics")).text)
                    let names = Set(samples.map(\.name))
                    for name in Self.processMetrics {
                        #expect(names.contains(name), "\(service.rawValue) has no \(name)")
                    }
                    let rss = samples.first { $0.name == "process_resident_memory_bytes" }?.value ?? 0
                    #expect(rss > 1_000_000 && rss < 2_000_000_000)
                    let started = samples.first { $0.name == "process_start_time_seconds" }?.value ?? 0
                    #expect(abs(started - Date().timeIntervalSince1970) < 600)
                }

                let notes = try await HTTP.send(.get, stack.url(.notes, "/metrics")).text
                #expect(PrometheusText.sum("latchkey_introspections_total", labels: ["outcome": "active"], in: notes) >= 1)
                #expect(PrometheusText.sum("latchkey_introspection_duration_seconds_count", in: notes) >= 1)
                #expect(PrometheusText.samples(in: notes).contains { $0.name == "latchkey_introspection_duration_seconds_bucket" })
                #expect(PrometheusText.sum("latchkey_revocation_feed_connected", in: notes) == 1)
                #expect(PrometheusText.samples(in: notes).contains { $0.name == "latchkey_revocation_feed_reconnects_total" })
                #expect(PrometheusText.samples(in: notes).contains { $0.name == "latchkey_revocation_feed_last_event_age_seconds" })

                let auth = try await HTTP.send(.get, stack.url(.auth, "/metrics")).text
                #expect(PrometheusText.sum("latchkey_logins_total", labels: ["outcome": "success"], in: auth) >= 1)
                #expect(PrometheusText.samples(in: auth).contains { $0.name == "latchkey_bcrypt_queue_depth" && $0.labels["lane"] == "verification" })
                #expect(PrometheusText.samples(in: auth).contains { $0.name == "latchkey_refreshes_total" && $0.labels["outcome"] == "theft" })
            }
        }
    }
}
