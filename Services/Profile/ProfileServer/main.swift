import Hummingbird
import ProfileService
import ServiceSupport

/// The `profile` executable: reads its settings, sets up logs and metrics, and runs until SIGTERM.
let settings = SettingsLoader.load(service: "profile") {
    try ResourceServiceSettings(environment: $0, defaultPort: 8083, defaultServiceName: "profile")
}
let (logger, registry) = Observability.bootstrap(service: "profile", level: settings.common.logLevel, format: settings.common.logFormat)
let app = try buildApplication(settings: settings, logger: logger, registry: registry)
await ServiceRunner.run(service: "profile", app)
