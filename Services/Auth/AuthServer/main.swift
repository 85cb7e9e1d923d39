import AuthService
import Hummingbird
import ServiceSupport

/// The `auth` executable: reads its settings, sets up logs and metrics, and runs until SIGTERM.
let settings = SettingsLoader.load(service: "auth") { try AuthSettings(environment: $0) }
let (logger, registry) = Observability.bootstrap(service: "auth", level: settings.common.logLevel, format: settings.common.logFormat)
let app = try await buildApplication(settings: settings, logger: logger, registry: registry)
await ServiceRunner.run(service: "auth", app)
