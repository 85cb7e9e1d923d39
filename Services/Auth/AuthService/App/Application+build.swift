import Hummingbird
import Logging
import NIOPosix
import Prometheus
import ServiceLifecycle
import ServiceSupport
import TokenKit
import TokenKitHummingbird

/// Builds the auth service: its core (database, signing keys, revocation feed, limits), the
/// migrations and signing keys before the server starts, and every feature's routes (the internal
/// API on a listener of its own with `INTERNAL_PORT`).
///
/// - Parameters:
///   - settings: the service's settings.
///   - logger: the service's logger.
///   - registry: the Prometheus registry `/metrics` renders.
///   - clock: the source of "now" (tests move it).
///   - hashingThreads: where bcrypt runs; `nil` is the process's own pool. Tests that run many
///     applications in one process give each its own, as separate auth processes would have.
public func buildApplication(
    settings: AuthSettings,
    logger: Logger,
    registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry(),
    clock: AuthClock = .system,
    hashingThreads: NIOThreadPool? = nil
) async throws -> some ApplicationProtocol {
    let core = try await AuthCore(settings: settings, logger: logger, clock: clock, hashingThreads: hashingThreads)
    let routers = buildRouters(core: core, registry: registry)
    var services = core.services
    let startup = StartupGate()
    if let internalRouter = routers.internal, let internalPort = settings.internalPort {
        // A service of the main application: it stops with it, and serves once the prelude below has run.
        var internalApp = Application(
            router: internalRouter,
            configuration: .init(address: .hostname(settings.common.host, port: internalPort), serverName: nil),
            logger: logger
        )
        internalApp.beforeServerStarts { try await startup.wait() }
        services.append(internalApp)
    }
    var app = Application(
        router: routers.public,
        configuration: .init(address: .hostname(settings.common.host, port: settings.common.port), serverName: nil),
        services: services,
        logger: logger
    )
    app.beforeServerStarts {
        try await core.prepare()
        startup.open()
    }
    return app
}

/// Every feature's routes: the public API, the JWKS and health on the public router; the internal
/// API on it too, or, with `INTERNAL_PORT`, on a router of its own (with a copy of the JWKS, so that
/// a resource service's `AUTH_URL` can name the internal port alone).
func buildRouters(
    core: AuthCore,
    registry: PrometheusCollectorRegistry
) -> (public: Router<ServiceRequestContext>, internal: Router<ServiceRequestContext>?) {
    let jwks = JWKSController(core: core)
    let router = Router.service(databaseHealth: core.databaseHealth, servedWithoutDatabase: [JWKSController.path])
    HealthRoutes<ServiceRequestContext>(registry: registry) { await core.isReady() }.register(on: router)
    let confirmed = router.confirmedGroup(authenticator: core.authenticator, checker: core.sessionChecker)
    AccountController(core: core).addRoutes(to: router, confirmed: confirmed)
    SecurityEventController(core: core).addRoutes(confirmed: confirmed)
    SessionController(core: core).addRoutes(to: router, confirmed: confirmed)
    RefreshController(core: core).addRoutes(to: router)
    ReissueController(core: core).addRoutes(to: router)
    jwks.addRoutes(to: router)

    var internalRouter: Router<ServiceRequestContext>? = nil
    if core.settings.internalPort != nil {
        internalRouter = Router.service(databaseHealth: core.databaseHealth, servedWithoutDatabase: [JWKSController.path])
        jwks.addRoutes(to: internalRouter!)
    }
    IntrospectionController(core: core).addRoutes(to: internalRouter ?? router)
    RevocationFeedController(core: core).addRoutes(to: internalRouter ?? router)
    if !core.settings.adminClients.isEmpty {
        AdminController(core: core).addRoutes(to: internalRouter ?? router)
    }
    return (router, internalRouter)
}
