import Logging
import Metrics
import Prometheus

/// Process-wide logging and metrics set-up, done once by each executable's `main`.
public enum Observability {
    /// Bootstraps swift-log in the configured format and swift-metrics with a Prometheus registry,
    /// and returns the service's logger and that registry.
    public static func bootstrap(service: String, level: Logger.Level, format: LogFormat) -> (Logger, PrometheusCollectorRegistry) {
        LoggingSystem.bootstrap { label in
            var handler: any LogHandler =
                switch format {
                case .text: StreamLogHandler.standardOutput(label: label)
                case .json: JSONLogHandler(label: label)
                }
            handler.logLevel = level
            return handler
        }
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        var logger = Logger(label: service)
        logger.logLevel = level
        return (logger, registry)
    }
}
