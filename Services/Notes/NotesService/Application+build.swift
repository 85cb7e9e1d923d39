import Hummingbird
import Logging
import Prometheus
import ServiceSupport
import TokenKit

/// Builds the notes service: the resource foundation (database, JWKS, verification, introspection),
/// the notes schema (migrated before the server starts) and the `/v1/notes` routes.
public func buildApplication(
    settings: ResourceServiceSettings,
    logger: Logger,
    registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()
) throws -> some ApplicationProtocol {
    let foundation = try ResourceServiceFoundation(settings: settings, logger: logger)
    let router = foundation.makeRouter(registry: registry)
    NotesController(notes: NoteRepository(client: foundation.postgres, logger: logger))
        .addRoutes(reads: foundation.readRoutes(router), writes: foundation.writeRoutes(router))
    var app = Application(
        router: router,
        configuration: .init(address: .hostname(settings.common.host, port: settings.common.port), serverName: nil),
        services: foundation.services,
        logger: logger
    )
    app.beforeServerStarts {
        try await foundation.migrate(NotesMigrations.all, lockKey: NotesMigrations.lockKey)
    }
    return app
}
