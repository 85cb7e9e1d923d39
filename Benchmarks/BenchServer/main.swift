import Foundation
import ServiceSupport

/// `latchkey-bench-server`: the notes routes composed several times over, each time behind another
/// authenticator, for side-by-side benchmarks in one process. Benchmark-only: never deployed.
///
/// Reads the same settings as `notes` (`PORT`, `DATABASE_URL`, `AUTH_URL`, `INTROSPECTION_CLIENT_ID`, ...).
let settings = SettingsLoader.load(service: "latchkey-bench-server") {
    try ResourceServiceSettings(environment: $0, defaultPort: 8090, defaultServiceName: "notes")
}
let (logger, registry) = Observability.bootstrap(
    service: "latchkey-bench-server",
    level: settings.common.logLevel,
    format: settings.common.logFormat
)
let tracing = try Observability.bootstrapTracing(
    service: "latchkey-bench-server",
    logger: logger,
    environment: ProcessInfo.processInfo.environment
)
let app = try buildBenchApplication(settings: settings, logger: logger, registry: registry)
await ServiceRunner.run(service: "latchkey-bench-server", app, tracing: tracing, logger: logger)
