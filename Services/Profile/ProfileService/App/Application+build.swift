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
    let foundation = try ResourceServiceFoundation(settings: settings, logger: logger, eraseAccountData: ProfileRepository.eraseUser)
    let profiles = ProfileRepository(client: foundation.postgres, logger: logger)
    return foundation.makeApplication(registry: registry, migrations: ProfileMigrations.all, lockKey: ProfileMigrations.lockKey) { reads, writes in
        ProfileController(profiles: profiles).addRoutes(reads: reads, writes: writes)
    }
}
