import Logging
import OTel
import ServiceLifecycle
import Tracing

extension Observability {
    /// Turns tracing on when the standard `OTEL_*` settings ask for it (an OTLP endpoint, or a traces
    /// exporter other than `none`, and not `OTEL_SDK_DISABLED=true`): spans go over OTLP/HTTP with
    /// protobuf, `service.name` is `service` unless `OTEL_SERVICE_NAME` says otherwise, and a W3C
    /// `traceparent` from a caller is continued. Returns the exporter's service (run it with the
    /// application, so spans are flushed at shutdown), or nil when tracing stays off: then every span
    /// is a no-op.
    public static func bootstrapTracing(service: String, logger: Logger, environment: [String: String]) throws -> (any Service)? {
        guard self.tracingRequested(environment) else { return nil }
        var configuration = OTel.Configuration.default
        configuration.serviceName = service
        configuration.logs.enabled = false
        configuration.metrics.enabled = false
        configuration.traces.enabled = true
        configuration.diagnosticLogger = .custom(logger)
        let backend = try OTel.makeTracingBackend(configuration: configuration)
        InstrumentationSystem.bootstrap(backend.factory)
        logger.info("Tracing on: spans are exported over OTLP/HTTP")
        return backend.service
    }

    /// Whether a tracer was bootstrapped (``bootstrapTracing(service:logger:environment:)`` found
    /// `OTEL_*` settings asking for it). Routers built while it is false leave `TracingMiddleware` out:
    /// with the no-op tracer it still computes every span attribute (`make bench` measured a request
    /// through it at about twice the cost of the same route without it), for spans nobody keeps.
    public static var isTracing: Bool {
        !(InstrumentationSystem.tracer is NoOpTracer)
    }

    /// Whether the environment asks for spans to be exported.
    static func tracingRequested(_ environment: [String: String]) -> Bool {
        if environment["OTEL_SDK_DISABLED"]?.lowercased() == "true" { return false }
        if let exporter = environment["OTEL_TRACES_EXPORTER"]?.lowercased() { return exporter != "none" }
        return environment["OTEL_EXPORTER_OTLP_ENDPOINT"] != nil || environment["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"] != nil
    }
}
