import Hummingbird
import Prometheus
import TokenKit

/// `GET /healthz` (the process is up), `GET /readyz` (its dependencies answer) and `GET /metrics`
/// (Prometheus text format: the registry's metrics and the process's own), the same on every service.
public struct HealthRoutes<Context: RequestContext>: Sendable {
    private let readiness: @Sendable () async -> Bool
    private let registry: PrometheusCollectorRegistry

    /// - Parameters:
    ///   - registry: the registry `/metrics` renders.
    ///   - readiness: whether the service can do its work now (database reachable, keys loaded).
    public init(registry: PrometheusCollectorRegistry, readiness: @escaping @Sendable () async -> Bool) {
        self.registry = registry
        self.readiness = readiness
    }

    /// The three paths, which never need the database.
    public static var paths: Set<String> { ["/healthz", "/readyz", "/metrics"] }

    /// Adds the three routes to `router`.
    public func register(on router: some RouterMethods<Context>) {
        router.get("/healthz") { _, _ in
            Self.plainJSON(#"{"status":"ok"}"#, status: .ok)
        }
        router.get("/readyz") { _, _ in
            guard await self.readiness() else {
                throw Problem(.serviceUnavailable, detail: "Not ready: a dependency is not reachable yet.")
            }
            return Self.plainJSON(#"{"status":"ready"}"#, status: .ok)
        }
        router.get("/metrics") { _, _ in
            var headers = HTTPFields()
            headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
            var body = ByteBuffer(bytes: self.registry.emitToBuffer())
            body.writeString(ProcessMetrics.render())
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: body))
        }
    }

    static func plainJSON(_ json: String, status: HTTPResponse.Status) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        headers[.cacheControl] = "no-store"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: json)))
    }
}
