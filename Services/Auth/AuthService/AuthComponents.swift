import Foundation
import Hummingbird
import Logging
import PostgresNIO
import Prometheus
import ServiceSupport
import TokenKit

/// The auth service's parts, wired together: repositories, services and controllers.
struct AuthComponents: Sendable {
    let settings: AuthSettings
    let postgres: PostgresClient
    let databaseHealth: DatabaseHealth
    let keys: DerivedKeys
    let ring: SigningKeyRing
    let broadcaster: RevocationBroadcaster
    let limits: AuthLimits
    let policy: SessionPolicy
    let clock: AuthClock
    let logger: Logger

    /// The routers: health routes, the public API and the JWKS on the main one; the internal API on the
    /// main one too, or, with `INTERNAL_PORT`, on a router of its own (which also serves the JWKS, so that a
    /// resource service's `AUTH_URL` can name the internal port alone).
    func makeRouters(registry: PrometheusCollectorRegistry) async throws -> AuthRouters {
        let accounts = AccountRepository(client: self.postgres, logger: self.logger)
        let sessions = SessionRepository(client: self.postgres, logger: self.logger)
        let revocations = RevocationRepository(logger: self.logger)
        let hasher = PasswordHasher(cost: self.settings.bcryptCost, queueCapacity: self.settings.bcryptQueueMax)
        let refreshCodec = RefreshTokenCodec(key: self.keys.refreshToken)
        let csrfTokens = SessionCSRFToken(key: self.keys.csrf)
        let issuer = TokenIssuer(
            ring: self.ring,
            refreshTokens: refreshCodec,
            csrfTokens: csrfTokens,
            issuer: self.settings.common.issuer,
            audience: self.settings.audience,
            policy: self.policy,
            clock: self.clock
        )
        let verifier = AccessTokenVerifier(
            policy: VerificationPolicy(issuer: self.settings.common.issuer, audiences: Set(self.settings.audience)),
            keys: self.ring,
            cache: self.ring.verifiedTokens,
            now: { [clock] in clock.epochSeconds }
        )
        let cookies = TokenCookies(secure: self.settings.common.cookieSecure)
        let responses = TokenResponses(cookies: cookies)
        let addresses = ClientAddressResolver(trustedProxies: self.settings.trustedProxies)
        let authenticator = AccessTokenAuthenticator<ServiceRequestContext>(verifier: verifier, cookieNames: cookies.names)
        let checker = DatabaseSessionStatusChecker(sessions: sessions, clock: self.clock)

        let router = self.emptyRouter()
        HealthRoutes<ServiceRequestContext>(registry: registry) { [databaseHealth, postgres, ring] in
            guard databaseHealth.isAvailable, await ring.hasActiveKey else { return false }
            return (try? await postgres.query("SELECT 1")) != nil
        }
        .register(on: router)
        let confirmed = router.confirmedGroup(authenticator: authenticator, checker: checker)

        AccountController(
            accounts: AccountService(
                client: self.postgres,
                accounts: accounts,
                revocations: revocations,
                hasher: hasher,
                throttle: self.limits.logins,
                signUps: self.limits.signUps,
                clock: self.clock,
                logger: self.logger
            ),
            addresses: addresses
        )
        .addRoutes(to: router, confirmed: confirmed)
        SessionController(
            login: LoginService(
                accounts: accounts,
                sessions: sessions,
                throttle: self.limits.logins,
                hasher: hasher,
                dummyHash: try await hasher.hash("latchkey: no account has this password"),
                issuer: issuer,
                csrfTokens: csrfTokens,
                policy: self.policy,
                clock: self.clock,
                logger: self.logger
            ),
            refresh: RefreshService(
                client: self.postgres,
                sessions: sessions,
                revocations: revocations,
                codec: refreshCodec,
                issuer: issuer,
                policy: self.policy,
                clock: self.clock,
                logger: self.logger
            ),
            revocation: SessionRevocationService(
                client: self.postgres,
                revocations: revocations,
                accounts: accounts,
                clock: self.clock,
                logger: self.logger
            ),
            sessions: sessions,
            responses: responses,
            addresses: addresses,
            clock: self.clock
        )
        .addRoutes(to: router, confirmed: confirmed)
        ReissueController(
            reissue: ReissueService(
                verifier: verifier,
                client: self.postgres,
                sessions: sessions,
                issuer: issuer,
                policy: self.policy,
                clock: self.clock,
                logger: self.logger
            ),
            responses: responses,
            policy: self.policy
        )
        .addRoutes(to: router)
        let jwks = JWKSController(ring: self.ring, maxAge: self.settings.jwksMaxAge)
        jwks.addRoutes(to: router)
        guard self.settings.internalPort != nil else {
            self.addInternalRoutes(to: router, verifier: verifier, sessions: sessions)
            return AuthRouters(main: router, internal: nil)
        }
        let internalRouter = self.emptyRouter()
        jwks.addRoutes(to: internalRouter)
        self.addInternalRoutes(to: internalRouter, verifier: verifier, sessions: sessions)
        return AuthRouters(main: router, internal: internalRouter)
    }

    /// A router with problem responses, request metrics and the database gate (503 at once while the
    /// database does not answer; health, metrics and the JWKS never need it).
    private func emptyRouter() -> Router<ServiceRequestContext> {
        let router = Router(context: ServiceRequestContext.self)
        router.add(middleware: ProblemMiddleware())
        router.add(middleware: MetricsMiddleware())
        router.add(
            middleware: DatabaseAvailabilityMiddleware(
                health: self.databaseHealth,
                exemptPaths: ["/healthz", "/readyz", "/metrics", "/.well-known/jwks.json"]
            )
        )
        return router
    }

    /// `POST /internal/v1/introspect` and `GET /internal/v1/revocations`.
    private func addInternalRoutes(to router: Router<ServiceRequestContext>, verifier: AccessTokenVerifier, sessions: SessionRepository) {
        IntrospectionController(
            introspection: IntrospectionService(verifier: verifier, sessions: sessions, clock: self.clock),
            clients: IntrospectionClients(self.settings.introspectionClients)
        )
        .addRoutes(to: router)
        RevocationFeedController(
            broadcaster: self.broadcaster,
            feed: RevocationFeedRepository(client: self.postgres, logger: self.logger),
            clients: IntrospectionClients(self.settings.introspectionClients),
            replayWindow: TimeInterval(self.settings.accessTokenTTL) + RevocationFeed.replayMargin,
            clock: self.clock
        )
        .addRoutes(to: router)
    }
}
