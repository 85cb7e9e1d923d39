import Hummingbird
import HummingbirdAuth
import Logging
import NotesService
import Prometheus
import ServiceSupport
import TokenKit
import TokenKitHummingbird

/// The ways a request can be authenticated in the benchmark server; each is a path prefix.
///
/// | prefix | reads | writes |
/// |---|---|---|
/// | `/none` | no authentication: the user id comes from `X-Bench-User` | the same, no session check |
/// | `/local` | the shipped composition: local verification, cached | local verification + introspection |
/// | `/introspect` | no local verification: `auth` is asked in every request (classic sessions) | the same |
/// | `/nocache` | local verification with a one-entry cache: every token of a rotation is a miss | as `/local` |
/// | `/nocheck` | as `/local` | local verification without the session check |
enum BenchVariant: String, CaseIterable {
    case none
    case local
    case introspect
    case nocache
    case nocheck
}

/// Builds the benchmark server: the resource foundation of `notes` (database, JWKS, verifier, introspection
/// client, revocation feed, health routes, problem and metrics middleware), and under each variant's
/// prefix the very `NotesController` routes of the notes service plus `GET /v1/whoami`, a route that only
/// answers the caller's user id (the authentication layer alone).
func buildBenchApplication(
    settings: ResourceServiceSettings,
    logger: Logger,
    registry: PrometheusCollectorRegistry
) throws -> some ApplicationProtocol {
    let foundation = try ResourceServiceFoundation(settings: settings, logger: logger, eraseAccountData: NoteRepository.eraseOwner)
    let router = foundation.makeRouter(registry: registry)
    let controller = NotesController(notes: NoteRepository(client: foundation.postgres, logger: logger))
    let cookieNames = TokenCookieNames(secure: settings.common.cookieSecure)
    let alwaysActive = AlwaysActiveChecker()
    // A verifier like the shipped one, but whose cache holds a single token: with tokens in rotation
    // every request misses, is verified in full, is inserted and evicts the previous one, which is
    // exactly the work of a token the service has never seen.
    let uncachedAuthenticator = AccessTokenAuthenticator<ServiceRequestContext>(
        verifier: AccessTokenVerifier(
            policy: VerificationPolicy(issuer: settings.common.issuer, audiences: [settings.serviceName]),
            keys: foundation.keys,
            cache: VerifiedTokenCache(capacity: 1)
        ),
        cookieNames: cookieNames,
        revokedSessions: foundation.revokedSessions
    )

    for variant in BenchVariant.allCases {
        let base = router.group(RouterPath(stringLiteral: "/" + variant.rawValue))
        let reads: RouterGroup<AuthenticatedRequestContext<ServiceRequestContext>>
        let writes: RouterGroup<ConfirmedRequestContext<ServiceRequestContext>>
        switch variant {
        case .none:
            let trusted = base.group().add(middleware: TrustedUserAuthenticator())
            reads = trusted.group(context: AuthenticatedRequestContext<ServiceRequestContext>.self)
            writes = base.group().add(middleware: TrustedUserAuthenticator())
                .add(middleware: SessionConfirmationMiddleware<ServiceRequestContext>(checker: alwaysActive))
                .group(context: ConfirmedRequestContext<ServiceRequestContext>.self)
        case .local:
            reads = base.authenticatedGroup(authenticator: foundation.authenticator)
            writes = base.confirmedGroup(authenticator: foundation.authenticator, checker: foundation.sessionChecker)
        case .introspect:
            let introspecting = IntrospectingAuthenticator(checker: foundation.sessionChecker, cookieNames: cookieNames)
            reads = base.group().add(middleware: introspecting)
                .group(context: AuthenticatedRequestContext<ServiceRequestContext>.self)
            writes = base.group().add(middleware: introspecting)
                .add(middleware: SessionConfirmationMiddleware<ServiceRequestContext>(checker: alwaysActive))
                .group(context: ConfirmedRequestContext<ServiceRequestContext>.self)
        case .nocache:
            reads = base.authenticatedGroup(authenticator: uncachedAuthenticator)
            writes = base.confirmedGroup(authenticator: uncachedAuthenticator, checker: foundation.sessionChecker)
        case .nocheck:
            reads = base.authenticatedGroup(authenticator: foundation.authenticator)
            writes = base.confirmedGroup(authenticator: foundation.authenticator, checker: alwaysActive)
        }
        controller.addRoutes(reads: reads, writes: writes)
        reads.get("/v1/whoami") { _, context in
            context.identity.userID.lowercased
        }
    }

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
