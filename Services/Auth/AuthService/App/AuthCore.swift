import Foundation
import Logging
import NIOPosix
import PostgresNIO
import ServiceLifecycle
import ServiceSupport
import TokenKit
import TokenKitHummingbird

/// The parts of the auth service that more than one feature uses, each built once from the
/// settings: the database, the derived secrets, the signing keys, the revocation feed, the limits,
/// the repositories, token issuing and verification.
///
/// Features take what they need from here (each controller's `init(core:)`), so a dependency is
/// never built twice and `buildApplication` reads as a list of features.
struct AuthCore: Sendable {
    let settings: AuthSettings
    let clock: AuthClock
    let logger: Logger

    let postgres: PostgresClient
    let databaseHealth: DatabaseHealth
    let keys: SecretKeys
    /// Makes refresh tokens with the current secret; accepts the previous secret's too.
    let refreshTokens: RefreshTokenCodec
    let csrfTokens: SessionCSRFToken
    let policy: SessionPolicy

    let ring: SigningKeyRing
    let rotator: SigningKeyRotator
    let feed: RevocationFeedRepository
    let broadcaster: RevocationBroadcaster
    let limits: AuthLimits

    let accounts: AccountRepository
    let sessions: SessionRepository
    let revocations: RevocationRepository
    let events: SecurityEventRepository
    let hasher: PasswordHasher
    /// A hash compared against when a login's e-mail is unknown, so that path pays one bcrypt too.
    let dummyHash: String
    let issuer: TokenIssuer
    let verifier: AccessTokenVerifier
    let authenticator: AccessTokenAuthenticator<ServiceRequestContext>
    /// Confirms sessions in the database (auth's own dangerous endpoints).
    let sessionChecker: DatabaseSessionStatusChecker
    let responses: TokenResponses
    let addresses: ClientAddressResolver
    /// The resource services' Basic credentials for the internal API.
    let internalClients: BasicCredentialClients
    /// The operators' Basic credentials for the admin API (`ADMIN_CLIENTS`).
    let adminClients: BasicCredentialClients
    /// Ends the least recently used sessions past `SESSIONS_PER_ACCOUNT_MAX` after a login.
    let sessionCap: SessionCap

    init(settings: AuthSettings, logger: Logger, clock: AuthClock, hashingThreads: NIOThreadPool? = nil) async throws {
        self.settings = settings
        self.clock = clock
        self.logger = logger
        self.postgres = PostgresClient(
            configuration: try settings.common.databaseClientConfiguration(),
            backgroundLogger: logger.cappedForDatabase
        )
        self.databaseHealth = try DatabaseHealth(url: settings.common.databaseURL, logger: logger)
        self.keys = SecretKeys(secret: settings.secretKey, previous: settings.previousSecretKey)
        self.refreshTokens = RefreshTokenCodec(key: self.keys.current.refreshToken, previousKey: self.keys.previous?.refreshToken)
        self.csrfTokens = SessionCSRFToken(key: self.keys.current.csrf, previousKey: self.keys.previous?.csrf)
        self.policy = SessionPolicy(settings: settings)

        let sealer = SigningKeySealer(key: self.keys.current.signingKeySeal, previousKey: self.keys.previous?.signingKeySeal)
        self.ring = SigningKeyRing(client: self.postgres, sealer: sealer, clock: clock, logger: logger)
        self.rotator = SigningKeyRotator(
            client: self.postgres,
            sealer: sealer,
            rotationPeriod: TimeInterval(settings.signingKeyRotation),
            publicationLead: TimeInterval(2 * settings.jwksMaxAge),
            accessTokenLifetime: TimeInterval(settings.accessTokenTTL),
            logger: logger
        )
        self.feed = RevocationFeedRepository(client: self.postgres, logger: logger)
        self.broadcaster = RevocationBroadcaster(repository: self.feed, logger: logger)
        self.limits = AuthLimits(settings: settings, client: self.postgres, logger: logger)

        self.accounts = AccountRepository(client: self.postgres, logger: logger)
        self.sessions = SessionRepository(client: self.postgres, logger: logger)
        self.revocations = RevocationRepository(logger: logger)
        self.events = SecurityEventRepository(client: self.postgres, logger: logger)
        self.hasher = PasswordHasher(
            cost: settings.bcryptCost,
            queueCapacity: settings.bcryptQueueMax,
            threadPool: hashingThreads ?? PasswordHasher.hashingThreads
        )
        self.dummyHash = try await self.hasher.hash("latchkey: no account has this password")
        self.issuer = TokenIssuer(
            ring: self.ring,
            refreshTokens: self.refreshTokens,
            csrfTokens: self.csrfTokens,
            issuer: settings.common.issuer,
            audience: settings.audience,
            policy: self.policy,
            clock: clock
        )
        self.verifier = AccessTokenVerifier(
            policy: VerificationPolicy(issuer: settings.common.issuer, audiences: Set(settings.audience)),
            keys: self.ring,
            cache: self.ring.verifiedTokens,
            now: { [clock] in clock.epochSeconds }
        )
        let cookies = TokenCookies(secure: settings.common.cookieSecure)
        self.authenticator = AccessTokenAuthenticator(verifier: self.verifier, cookieNames: cookies.names)
        self.sessionChecker = DatabaseSessionStatusChecker(sessions: self.sessions, clock: clock)
        self.responses = TokenResponses(cookies: cookies)
        self.addresses = ClientAddressResolver(trustedProxies: settings.trustedProxies)
        self.internalClients = BasicCredentialClients(settings.introspectionClients)
        self.adminClients = BasicCredentialClients(settings.adminClients)
        self.sessionCap = SessionCap(
            revocations: self.revocations,
            events: self.events,
            limit: settings.sessionsPerAccountMax,
            logger: logger
        )
    }

    /// Whether auth can do its work: the database answers and a signing key is active.
    func isReady() async -> Bool {
        guard self.databaseHealth.isAvailable, await self.ring.hasActiveKey else { return false }
        return (try? await self.postgres.query("SELECT 1")) != nil
    }

    /// What must hold before the first request: the schema migrated, a signing key in place and
    /// loaded, and the revocation broadcaster primed with the feed's head.
    func prepare() async throws {
        try await MigrationRunner(migrations: AuthMigrations.all, lockKey: AuthMigrations.lockKey).migrate(
            client: self.postgres,
            logger: self.logger
        )
        try await self.rotator.resealWithCurrentSecret()
        try await self.rotator.ensureKeys(now: self.clock.now())
        try await self.ring.reload()
        try await self.broadcaster.prime()
    }

    /// The long-running parts: the database pool and its probe, key rotation, the revocation
    /// listener and housekeeping.
    var services: [any Service] {
        [
            self.postgres,
            self.databaseHealth,
            SigningKeyMaintenanceService(
                rotator: self.rotator,
                ring: self.ring,
                interval: .seconds(min(max(self.settings.signingKeyRotation / 4, 1), 60)),
                clock: self.clock,
                logger: self.logger
            ),
            RevocationListener(client: self.postgres, broadcaster: self.broadcaster, logger: self.logger),
            HousekeepingService(
                revocations: self.feed,
                limits: self.limits,
                events: self.events,
                revocationRetention: TimeInterval(self.settings.accessTokenTTL) + RevocationFeed.replayMargin,
                eventRetention: TimeInterval(self.settings.eventRetention),
                clock: self.clock,
                logger: self.logger
            ),
        ]
    }
}
