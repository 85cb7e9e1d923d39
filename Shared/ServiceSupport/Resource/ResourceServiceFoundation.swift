import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import NIOCore
import PostgresNIO
import Prometheus
import ServiceLifecycle
import TokenKit
import TokenKitClients
import TokenKitHummingbird

/// What every resource service is built on: its own database, the JWKS cache, local verification
/// for reads, introspection for writes, and the health routes.
///
/// `notes` and `profile` differ only in their routes and schema; everything about tokens lives here
/// and in TokenKit, so the two cannot drift apart.
public struct ResourceServiceFoundation: Sendable {
    public let settings: ResourceServiceSettings
    public let postgres: PostgresClient
    /// Whether the database answers; requests that need it are refused with 503 while it does not.
    public let databaseHealth: DatabaseHealth
    public let httpClient: HTTPClient
    public let keys: JWKSCache
    /// Verifies access tokens locally (reads).
    public let authenticator: AccessTokenAuthenticator<ServiceRequestContext>
    /// Confirms sessions with `auth` (writes).
    public let sessionChecker: IntrospectionClient
    /// Sessions revoked, as the revocation feed reports them; refused on reads too.
    public let revokedSessions: RevokedSessions
    /// Keeps ``revokedSessions`` current.
    public let revocationFeed: RevocationFeedClient
    /// Deletes a deleted account's data when the feed says so.
    public let erasure: AccountErasure
    public let logger: Logger

    /// - Parameter eraseAccountData: deletes every row of a user, in the given transaction, when
    ///   `auth` deletes the account (see ``AccountErasure``).
    public init(
        settings: ResourceServiceSettings,
        logger: Logger,
        eraseAccountData: @escaping @Sendable (UUID, PostgresConnection) async throws -> Void
    ) throws {
        self.settings = settings
        self.logger = logger
        self.postgres = PostgresClient(
            configuration: try settings.common.databaseClientConfiguration(),
            backgroundLogger: logger.cappedForDatabase
        )
        self.databaseHealth = try DatabaseHealth(url: settings.common.databaseURL, logger: logger)
        var configuration = HTTPClient.Configuration()
        let timeout = TimeAmount(.milliseconds(settings.introspectionTimeoutMilliseconds))
        // No client-wide read timeout: introspection and JWKS requests carry their own deadline for the
        // whole answer (async-http-client's stops at the head), and the long-lived revocation feed has a
        // heartbeat watchdog instead.
        configuration.timeout = .init(connect: timeout, read: nil)
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 64)
        // Fail fast when auth is down: writes must answer 503 quickly, not retry a refused connection.
        configuration.connectionPool.retryConnectionEstablishment = false
        self.httpClient = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        let verifiedTokens = VerifiedTokenCache()
        self.keys = JWKSCache(
            fetcher: HTTPJWKSFetcher(authURL: settings.authURL, httpClient: self.httpClient),
            logger: logger,
            verifiedTokens: verifiedTokens
        )
        let verifier = AccessTokenVerifier(
            policy: VerificationPolicy(issuer: settings.common.issuer, audiences: [settings.serviceName]),
            keys: self.keys,
            cache: verifiedTokens
        )
        self.revokedSessions = RevokedSessions()
        let erasure = AccountErasure(client: self.postgres, logger: logger, eraseData: eraseAccountData)
        self.erasure = erasure
        self.revocationFeed = RevocationFeedClient(
            authURL: settings.authURL,
            clientID: settings.introspectionClientID,
            clientSecret: settings.introspectionClientSecret,
            httpClient: self.httpClient,
            revoked: self.revokedSessions,
            logger: logger,
            onAccountDeleted: { erasure.accountDeleted($0, at: $1) }
        )
        self.authenticator = AccessTokenAuthenticator(
            verifier: verifier,
            cookieNames: TokenCookieNames(secure: settings.common.cookieSecure),
            revokedSessions: self.revokedSessions
        )
        self.sessionChecker = IntrospectionClient(
            authURL: settings.authURL,
            clientID: settings.introspectionClientID,
            clientSecret: settings.introspectionClientSecret,
            timeout: .milliseconds(settings.introspectionTimeoutMilliseconds),
            httpClient: self.httpClient,
            logger: logger
        )
    }

    /// The long-running parts: the database pool and its health probe, the JWKS refresher, the
    /// revocation feed, the erasure of deleted accounts' data and the HTTP client's shutdown.
    public var services: [any Service] {
        [self.postgres, self.databaseHealth, self.keys, self.revocationFeed, self.erasure, HTTPClientLifecycle(client: self.httpClient)]
    }

    /// A router with problem responses, request metrics, the database gate (503 at once while the
    /// database does not answer), the start gate (503 `auth-unavailable` until the signing keys are
    /// loaded and the revocation feed has replayed) and `/healthz`, `/readyz`, `/metrics`. `/readyz` is
    /// false until the database answers, the signing keys are loaded and the revocation feed has replayed.
    public func makeRouter(registry: PrometheusCollectorRegistry) -> Router<ServiceRequestContext> {
        let router = Router.service(databaseHealth: self.databaseHealth)
        router.add(middleware: TokenStateGateMiddleware(keys: self.keys, feed: self.revocationFeed))
        HealthRoutes<ServiceRequestContext>(registry: registry) { [databaseHealth, keys, postgres, revocationFeed] in
            guard databaseHealth.isAvailable, await keys.isLoaded, revocationFeed.hasReplayed else { return false }
            return (try? await postgres.query("SELECT 1")) != nil
        }
        .register(on: router)
        return router
    }

    /// Routes for safe requests: local verification only.
    public func readRoutes(_ router: Router<ServiceRequestContext>) -> RouterGroup<AuthenticatedRequestContext<ServiceRequestContext>> {
        router.authenticatedGroup(authenticator: self.authenticator)
    }

    /// Routes for dangerous requests: local verification, then introspection in every request.
    public func writeRoutes(_ router: Router<ServiceRequestContext>) -> RouterGroup<ConfirmedRequestContext<ServiceRequestContext>> {
        router.confirmedGroup(authenticator: self.authenticator, checker: self.sessionChecker)
    }

    /// The service's application: the foundation's router with the routes `addRoutes` registers on the
    /// read (locally verified) and write (confirmed) groups, the foundation's services, and the
    /// service's migrations applied before the server starts.
    public func makeApplication(
        registry: PrometheusCollectorRegistry,
        migrations: [DatabaseMigration],
        lockKey: Int64,
        addRoutes: (
            _ reads: RouterGroup<AuthenticatedRequestContext<ServiceRequestContext>>,
            _ writes: RouterGroup<ConfirmedRequestContext<ServiceRequestContext>>
        ) -> Void
    ) -> some ApplicationProtocol {
        let router = self.makeRouter(registry: registry)
        addRoutes(self.readRoutes(router), self.writeRoutes(router))
        var app = Application(
            router: router,
            configuration: .init(address: .hostname(self.settings.common.host, port: self.settings.common.port), serverName: nil),
            services: self.services,
            logger: self.logger
        )
        app.beforeServerStarts {
            try await self.migrate(migrations, lockKey: lockKey)
        }
        return app
    }

    /// Applies the service's migrations; call from `beforeServerStarts`.
    public func migrate(_ migrations: [DatabaseMigration], lockKey: Int64) async throws {
        try await MigrationRunner(migrations: migrations, lockKey: lockKey).migrate(client: self.postgres, logger: self.logger)
    }
}
