import Foundation
import Hummingbird
import ProfileService
import ServiceSupport

/// The `profile` executable: reads its settings, sets up logs and metrics, and runs until SIGTERM.
let settings = SettingsLoader.load(service: "profile") {
    try ResourceServiceSettings(environment: $0, defaultPort: 8083, defaultServiceName: "profile")
}
let (logger, registry) = Observability.bootstrap(service: "profile", level: settings.common.logLevel, format: settings.common.logFormat)
// Before the application: its HTTP client takes the tracer when it is made.
let tracing = try Observability.bootstrapTracing(service: "profile", logger: logger, environment: ProcessInfo.processInfo.environment)
let app = try buildApplication(settings: settings, logger: logger, registry: registry)
await ServiceRunner.run(service: "profile", app, tracing: tracing, logger: logger)
