import Hummingbird
import NotesService
import ServiceSupport

/// The `notes` executable: reads its settings, sets up logs and metrics, and runs until SIGTERM.
let settings = SettingsLoader.load(service: "notes") {
    try ResourceServiceSettings(environment: $0, defaultPort: 8082, defaultServiceName: "notes")
}
let (logger, registry) = Observability.bootstrap(service: "notes", level: settings.common.logLevel, format: settings.common.logFormat)
let app = try buildApplication(settings: settings, logger: logger, registry: registry)
await ServiceRunner.run(service: "notes", app)
