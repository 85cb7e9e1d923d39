import Foundation
import Hummingbird
import Logging
import PostgresNIO
import Prometheus
import ServiceLifecycle
import ServiceSupport
import TokenKit

/// Builds the auth service: its database client, migrations and signing keys (before the server
/// starts), the key maintenance, revocation listener and housekeeping services, and the router with
/// every endpoint of the contract (the internal API on a listener of its own with `INTERNAL_PORT`).
///
/// - Parameters:
///   - settings: the service's settings.
///   - logger: the service's logger.
///   - registry: the Prometheus registry `/metrics` renders.
///   - clock: the source of "now" (tests move it).
public func buildApplication(
    settings: AuthSettings,
    logger: Logger,
    registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry(),
    clock: AuthClock = .system
) async throws -> some ApplicationProtocol {
    let postgres = PostgresClient(configuration: try settings.common.databaseURL.clientConfiguration(), backgroundLogger: logger.cappedForDatabase)
    let databaseHealth = try DatabaseHealth(url: settings.common.databaseURL, logger: logger)
    let keys = DerivedKeys(secret: settings.secretKey)
    let policy = SessionPolicy(settings: settings)
    let sealer = SigningKeySealer(key: keys.signingKeySeal)
    let ring = SigningKeyRing(client: postgres, sealer: sealer, clock: clock, logger: logger)
    let rotator = SigningKeyRotator(
        client: postgres,
        sealer: sealer,
        rotationPeriod: TimeInterval(settings.signingKeyRotation),
        publicationLead: TimeInterval(2 * settings.jwksMaxAge),
        accessTokenLifetime: TimeInterval(settings.accessTokenTTL),
        logger: logger
    )
    let maintenance = SigningKeyMaintenanceService(
        rotator: rotator,
        ring: ring,
        interval: .seconds(min(max(settings.signingKeyRotation / 4, 1), 60)),
        clock: clock,
        logger: logger
    )
    let feed = RevocationFeedRepository(client: postgres, logger: logger)
    let broadcaster = RevocationBroadcaster(repository: feed, logger: logger)
    let limits = AuthLimits(settings: settings, client: postgres, logger: logger)
    let housekeeping = HousekeepingService(
        revocations: feed,
        limits: limits,
        revocationRetention: TimeInterval(settings.accessTokenTTL) + RevocationFeed.replayMargin,
        clock: clock,
        logger: logger
    )
    let components = AuthComponents(
        settings: settings,
        postgres: postgres,
        databaseHealth: databaseHealth,
        keys: keys,
        ring: ring,
        broadcaster: broadcaster,
        limits: limits,
        policy: policy,
        clock: clock,
        logger: logger
    )
    let routers = try await components.makeRouters(registry: registry)

    var services: [any Service] = [
        postgres, databaseHealth, maintenance, RevocationListener(client: postgres, broadcaster: broadcaster, logger: logger), housekeeping,
    ]
    let startup = StartupGate()
    if let internalRouter = routers.internal, let internalPort = settings.internalPort {
        // The internal API's own listener, a service of the main application: it stops with it, and it
        // starts serving only once the main server's prelude below has run.
        var internalApp = Application(
            router: internalRouter,
            configuration: .init(address: .hostname(settings.common.host, port: internalPort), serverName: nil),
            logger: logger
        )
        internalApp.beforeServerStarts { try await startup.wait() }
        services.append(internalApp)
    }
    var app = Application(
        router: routers.main,
        configuration: .init(address: .hostname(settings.common.host, port: settings.common.port), serverName: nil),
        services: services,
        logger: logger
    )
    app.beforeServerStarts {
        try await MigrationRunner(migrations: AuthMigrations.all, lockKey: AuthMigrations.lockKey).migrate(client: postgres, logger: logger)
        try await rotator.ensureKeys(now: clock.now())
        try await ring.reload()
        try await broadcaster.prime()
        startup.open()
    }
    return app
}
