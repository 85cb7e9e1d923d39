import Logging
import Metrics
import ServiceLifecycle
import Synchronization
import TokenKit

/// The resource services' copy of the auth service's public keys.
///
/// Loads at start (``run()`` retries until the first load succeeds), refreshes in the background
/// as the response's `max-age` says, refetches when a token names an unknown `kid` but at most
/// once per ``unknownKeyRefetchInterval``, and keeps serving the keys it has while `auth` is
/// unreachable. Concurrent callers share one fetch, and every fetch ends within ``fetchTimeout``
/// (whatever the fetcher does), so a stalled `auth` cannot leave a fetch in flight for ever: the
/// next refresh, or the next unknown `kid` past the refetch interval, tries again.
public actor JWKSCache: VerificationKeyProvider, Service {
    private let fetcher: any JWKSFetcher
    private let logger: Logger
    private let clock = ContinuousClock()
    /// The shortest time between two fetches caused by unknown key ids.
    public let unknownKeyRefetchInterval: Duration
    private let refreshBounds: ClosedRange<Duration>
    /// The longest one fetch may take; callers waiting on it wait no longer.
    public let fetchTimeout: Duration
    /// ``isLoaded`` without an actor hop, for the check in front of every request.
    private nonisolated let loadedFlag = Atomic<Bool>(false)

    private var keys: [String: VerificationKey] = [:]
    private var loaded = false
    private var nextRefresh: Duration = .seconds(60)
    private var lastUnknownKeyFetch: ContinuousClock.Instant?
    private var inFlight: Task<Void, any Error>?
    private let refreshFailures = Counter(label: "latchkey_jwks_refresh_failures_total")
    private let verifiedTokens: VerifiedTokenCache?

    /// - Parameters:
    ///   - fetcher: where the key set comes from.
    ///   - logger: where refreshes, failed fetches and unknown key ids are logged.
    ///   - unknownKeyRefetchInterval: at most one refetch for unknown `kid`s per this interval.
    ///   - refreshBounds: the background refresh period is the response's `max-age`, clamped here.
    ///   - verifiedTokens: a verifier cache to purge of the tokens of keys that leave the key set.
    ///   - fetchTimeout: the bound on one fetch (``HTTPJWKSFetcher`` has its own, shorter one by default).
    public init(
        fetcher: any JWKSFetcher,
        logger: Logger,
        unknownKeyRefetchInterval: Duration = .seconds(30),
        refreshBounds: ClosedRange<Duration> = .seconds(1)...(.seconds(300)),
        verifiedTokens: VerifiedTokenCache? = nil,
        fetchTimeout: Duration = HTTPJWKSFetcher.defaultTimeout + .seconds(1)
    ) {
        self.fetchTimeout = fetchTimeout
        self.verifiedTokens = verifiedTokens
        self.fetcher = fetcher
        self.logger = logger
        self.unknownKeyRefetchInterval = unknownKeyRefetchInterval
        self.refreshBounds = refreshBounds
    }

    /// Whether at least one fetch has succeeded; `/readyz` waits for it.
    public var isLoaded: Bool { self.loaded }

    /// ``isLoaded``, readable without awaiting the actor (it never turns false again).
    public nonisolated var hasLoadedKeys: Bool { self.loadedFlag.load(ordering: .acquiring) }

    /// The key ids currently cached.
    public var keyIDs: Set<String> { Set(self.keys.keys) }

    public func verificationKey(for kid: String) async -> VerificationKey? {
        if let key = self.keys[kid] { return key }
        if let inFlight = self.inFlight {
            // A fetch is under way, perhaps for this very `kid` (many tokens of a new key arrive at
            // once): wait for it rather than refuse a token the fetch is about to make valid.
            try? await inFlight.value
            if let key = self.keys[kid] { return key }
        }
        let now = self.clock.now
        if let last = self.lastUnknownKeyFetch, now < last.advanced(by: self.unknownKeyRefetchInterval) {
            return nil
        }
        self.lastUnknownKeyFetch = now
        self.logger.info("Unknown key id; refetching JWKS", metadata: ["token.kid": LogSafeValue.metadata(kid)])
        try? await self.refresh()
        return self.keys[kid]
    }

    /// Fetches the key set now, sharing a fetch already under way. On failure the cached keys stay.
    public func refresh() async throws {
        if let inFlight = self.inFlight {
            return try await inFlight.value
        }
        let task = Task { try await self.fetchAndStore() }
        self.inFlight = task
        defer { self.inFlight = nil }
        try await task.value
    }

    private func fetchAndStore() async throws {
        do {
            let fetcher = self.fetcher
            let document = try await withDeadline(self.fetchTimeout) { try await fetcher.fetch() }
            let fetched = document.keySet.verificationKeys()
            let withdrawn = Set(self.keys.keys).subtracting(fetched.keys)
            self.keys = fetched
            self.verifiedTokens?.purge(kids: withdrawn)
            self.loaded = true
            self.loadedFlag.store(true, ordering: .releasing)
            let maxAge = Duration.seconds(document.maxAgeSeconds ?? 60)
            self.nextRefresh = min(max(maxAge, self.refreshBounds.lowerBound), self.refreshBounds.upperBound)
            self.logger.debug(
                "JWKS refreshed",
                metadata: ["jwks.keys": .stringConvertible(fetched.count), "jwks.withdrawn": .stringConvertible(withdrawn.count)]
            )
        } catch {
            self.refreshFailures.increment()
            self.logger.warning("JWKS fetch failed; keeping cached keys", metadata: ["error": .string(String(describing: error))])
            throw error
        }
    }

    /// Loads the keys (retrying with backoff until the first success), then refreshes them periodically
    /// until graceful shutdown.
    public func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                try await self.refreshUntilCancelled()
            }
        } catch is CancellationError {
            // Graceful shutdown: stop refreshing.
        }
    }

    private func refreshUntilCancelled() async throws {
        var backoff = Duration.milliseconds(200)
        while !Task.isCancelled {
            let wait: Duration
            do {
                try await self.refresh()
                wait = self.nextRefresh
                backoff = .milliseconds(200)
            } catch {
                wait = backoff
                backoff = min(backoff * 2, .seconds(5))
            }
            try await Task.sleep(for: wait)
        }
    }
}
