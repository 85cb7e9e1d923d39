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
    let foundation = try ResourceServiceFoundation(settings: settings, logger: logger, eraseAccountData: NoteRepository.eraseOwner)
    let notes = NoteRepository(client: foundation.postgres, logger: logger)
    return foundation.makeApplication(registry: registry, migrations: NotesMigrations.all, lockKey: NotesMigrations.lockKey) { reads, writes in
        NotesController(notes: notes).addRoutes(reads: reads, writes: writes)
    }
}
