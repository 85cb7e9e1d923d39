import Hummingbird
import Logging
import Prometheus
import ServiceSupport
import TokenKit

/// Builds the profile service: the resource foundation (database, JWKS, verification,
/// introspection), the profile schema (migrated before the server starts) and `/v1/profile`.
public func buildApplication(
    settings: ResourceServiceSettings,
    logger: Logger,
    registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()
) throws -> some ApplicationProtocol {
    let foundation = try ResourceServiceFoundation(settings: settings, logger: logger)
    let router = foundation.makeRouter(registry: registry)
    ProfileController(profiles: ProfileRepository(client: foundation.postgres, logger: logger))
        .addRoutes(reads: foundation.readRoutes(router), writes: foundation.writeRoutes(router))
    var app = Application(
        router: router,
        configuration: .init(address: .hostname(settings.common.host, port: settings.common.port), serverName: nil),
        services: foundation.services,
        logger: logger
    )
    app.beforeServerStarts {
        try await foundation.migrate(ProfileMigrations.all, lockKey: ProfileMigrations.lockKey)
    }
    return app
}
