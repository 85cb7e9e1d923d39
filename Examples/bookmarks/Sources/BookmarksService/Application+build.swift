import AsyncHTTPClient
import Hummingbird
import Logging
import PostgresNIO
import ServiceLifecycle
import TokenKit
import TokenKitClients
import TokenKitHummingbird

/// Builds the bookmarks service: everything TokenKit needs, wired once, then the routes.
///
/// Reads are verified here (JWKS cache, strict verifier, revoked sessions from the feed) and never
/// call `auth`; writes are also confirmed by introspection and fail closed (503) when `auth` does not
/// answer in time. Nothing answers but the health paths until the keys and the feed's replay are in.
public func buildApplication(settings: Settings, logger: Logger) -> some ApplicationProtocol {
    // One pooled HTTP client for everything asked of auth. No client-wide read timeout: introspection
    // and the JWKS fetch carry a deadline for the whole answer, the feed a heartbeat watchdog. Refused
    // connections are not retried, so a write answers 503 at once while auth is down.
    var httpConfiguration = HTTPClient.Configuration()
    httpConfiguration.timeout = .init(connect: .milliseconds(Int64(settings.introspectionTimeout / .milliseconds(1))), read: nil)
    httpConfiguration.connectionPool.retryConnectionEstablishment = false
    let httpClient = HTTPClient(eventLoopGroupProvider: .singleton, configuration: httpConfiguration)

    // Safe requests: the token checked locally against auth's published keys, and its session against
    // the sessions the revocation feed reported.
    let verifiedTokens = VerifiedTokenCache()
    let keys = JWKSCache(
        fetcher: HTTPJWKSFetcher(authURL: settings.authURL, httpClient: httpClient),
        logger: logger,
        verifiedTokens: verifiedTokens
    )
    let verifier = AccessTokenVerifier(
        policy: VerificationPolicy(issuer: settings.issuer, audiences: [settings.serviceName]),
        keys: keys,
        cache: verifiedTokens
    )
    let revokedSessions = RevokedSessions()
    let authenticator = AccessTokenAuthenticator<BookmarksRequestContext>(
        verifier: verifier,
        cookieNames: TokenCookieNames(secure: settings.cookieSecure),
        revokedSessions: revokedSessions
    )

    // Dangerous requests: the session confirmed by auth's introspection in every request.
    let introspection = IntrospectionClient(
        authURL: settings.authURL,
        clientID: settings.introspectionClientID,
        clientSecret: settings.introspectionClientSecret,
        timeout: settings.introspectionTimeout,
        httpClient: httpClient,
        logger: logger
    )

    // The database, and the revocation feed: revoked sessions for the authenticator, deleted accounts
    // for the erasure.
    let postgres = PostgresClient(configuration: settings.database.clientConfiguration, backgroundLogger: logger)
    let store = BookmarkStore(client: postgres, logger: logger)
    let erasure = AccountErasure(store: store, logger: logger)
    let feed = RevocationFeedClient(
        authURL: settings.authURL,
        clientID: settings.introspectionClientID,
        clientSecret: settings.introspectionClientSecret,
        httpClient: httpClient,
        revoked: revokedSessions,
        logger: logger,
        onAccountDeleted: { erasure.accountDeleted($0, at: $1) }
    )

    let router = Router(context: BookmarksRequestContext.self)
    router.add(middleware: RequestIDMiddleware())
    router.add(middleware: ProblemMiddleware())
    router.add(middleware: StartGate(keys: keys, feed: feed))
    router.get("/healthz") { _, _ in HealthStatus(status: "ok") }
    router.get("/readyz") { _, _ in
        guard keys.hasLoadedKeys, feed.hasReplayed, await store.ping() else { throw Problem.notReady() }
        return HealthStatus(status: "ready")
    }
    BookmarksController(store: store).addRoutes(
        reads: router.authenticatedGroup(authenticator: authenticator),
        writes: router.confirmedGroup(authenticator: authenticator, checker: introspection)
    )

    var app = Application(
        router: router,
        configuration: .init(address: .hostname(settings.host, port: settings.port), serverName: nil),
        // Stopped in reverse order on SIGTERM: the HTTP client last, after the feed and the keys.
        services: [HTTPClientService(client: httpClient), postgres, keys, feed, erasure],
        logger: logger
    )
    app.beforeServerStarts {
        try await store.migrate()
    }
    return app
}

/// `{"status": …}` of `/healthz` and `/readyz`.
struct HealthStatus: ResponseEncodable {
    let status: String
}

/// Shuts the shared HTTP client down when the service group stops.
struct HTTPClientService: Service {
    let client: HTTPClient

    func run() async throws {
        try? await gracefulShutdown()
        try await self.client.shutdown()
    }
}
