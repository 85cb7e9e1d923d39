import Foundation
import Hummingbird
import NotesService
import ServiceSupport

/// The `notes` executable: reads its settings, sets up logs and metrics, and runs until SIGTERM.
let settings = SettingsLoader.load(service: "notes") {
    try ResourceServiceSettings(environment: $0, defaultPort: 8082, defaultServiceName: "notes")
}
let (logger, registry) = Observability.bootstrap(service: "notes", level: settings.common.logLevel, format: settings.common.logFormat)
// Before the application: its HTTP client takes the tracer when it is made.
let tracing = try Observability.bootstrapTracing(service: "notes", logger: logger, environment: ProcessInfo.processInfo.environment)
let app = try buildApplication(settings: settings, logger: logger, registry: registry)
await ServiceRunner.run(service: "notes", app, tracing: tracing, logger: logger)
