import AsyncHTTPClient
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import TestSupport
import Testing
import TokenKit
import TokenKitClients

/// ``JWKSCache`` and ``HTTPJWKSFetcher`` against a live in-process JWKS server; requests are counted server-side.
@Suite("JWKS cache")
struct JWKSCacheTests {
    let first = TokenForge()
    let second = TokenForge()

    /// A quiet logger for the cache.
    static var logger: Logger {
        var logger = Logger(label: "JWKSCacheTests")
        logger.logLevel = .critical
        return logger
    }

    /// Runs `test` with a fetcher pointed at `server`, live on a free port, and stops the server after it.
    @discardableResult
    func withLiveServer<Value: Sendable>(
        _ server: JWKSTestServer,
        timeout: Duration = .seconds(20),
        _ test: @escaping @Sendable (HTTPJWKSFetcher) async throws -> Value
    ) async throws -> Value {
        try await server.application().test(.live) { client in
            let port = try #require(client.port)
            return try await test(HTTPJWKSFetcher(authURL: "http://127.0.0.1:\(port)/", httpClient: .shared, timeout: timeout))
        }
    }

    /// A cache over `fetcher` that refetches for unknown key ids at most every 300 ms.
    func cache(_ fetcher: some JWKSFetcher, refetchInterval: Duration = .milliseconds(300)) -> JWKSCache {
        JWKSCache(fetcher: fetcher, logger: Self.logger, unknownKeyRefetchInterval: refetchInterval)
    }

    /// The contract: a service that meets an unknown `kid` refetches at most once per 30 s (the default
    /// the resource services use).
    @Test func unknownKeyRefetchesAtMostEveryThirtySecondsByDefault() async {
        let fetcher = HTTPJWKSFetcher(authURL: "http://127.0.0.1:1/", httpClient: .shared, timeout: .seconds(1))
        #expect(await JWKSCache(fetcher: fetcher, logger: Self.logger).unknownKeyRefetchInterval == .seconds(30))
    }

    /// The fetcher reads the key set and the `max-age` of `Cache-Control`.
    @Test func fetcherReadsKeysAndMaxAge() async throws {
        let server = JWKSTestServer(keys: [self.first.verificationKey, self.second.verificationKey])
        server.update { $0.maxAgeSeconds = 120 }
        try await self.withLiveServer(server) { fetcher in
            let document = try await fetcher.fetch()

            #expect(Set(document.keySet.verificationKeys().keys) == [self.first.kid, self.second.kid])
            #expect(document.maxAgeSeconds == 120)
        }
    }

    /// The fetcher turns an error status into ``JWKSError/unexpectedStatus(_:)``.
    @Test func fetcherRefusesErrorStatus() async throws {
        let server = JWKSTestServer(keys: [self.first.verificationKey])
        server.update { $0.failing = true }
        try await self.withLiveServer(server) { fetcher in
            await #expect(throws: JWKSError.unexpectedStatus(500)) { try await fetcher.fetch() }
        }
    }

    /// A refresh loads the keys; lookups of known keys make no further request; a token verifies.
    @Test func loadsKeys() async throws {
        let server = JWKSTestServer(keys: [self.first.verificationKey, self.second.verificationKey])
        try await self.withLiveServer(server) { fetcher in
            let cache = self.cache(fetcher)
            #expect(await !cache.isLoaded)

            try await cache.refresh()

            #expect(await cache.isLoaded)
            #expect(await cache.keyIDs == [self.first.kid, self.second.kid])
            #expect(await cache.verificationKey(for: self.first.kid) != nil)
            _ = try await TokenForge.verifier(keys: cache).verify(self.second.token())
            #expect(server.requestCount == 1)
        }
    }

    /// An unknown `kid` refetches once; another within the interval does not; after the interval one does.
    /// The interval is 3 s here so that a slow, loaded machine cannot run out of it between two lookups.
    @Test func unknownKeyIDRefetchIsRateLimited() async throws {
        let server = JWKSTestServer(keys: [self.first.verificationKey])
        try await self.withLiveServer(server) { fetcher in
            let cache = self.cache(fetcher, refetchInterval: .seconds(3))
            try await cache.refresh()
            #expect(server.requestCount == 1)

            let started = ContinuousClock.now
            #expect(await cache.verificationKey(for: "unknown-1") == nil)
            #expect(server.requestCount == 2)

            server.update { $0.keys.append(self.second.verificationKey) }
            #expect(await cache.verificationKey(for: "unknown-2") == nil)
            #expect(await cache.verificationKey(for: self.second.kid) == nil)
            if ContinuousClock.now - started < .seconds(3) {
                #expect(server.requestCount == 2)
            }

            try await Task.sleep(until: started + .milliseconds(3100))
            #expect(await cache.verificationKey(for: self.second.kid) != nil)
            #expect(server.requestCount == 3)
        }
    }

    /// A key published after the cache loaded (rotation) is found through one refetch and its token verifies.
    @Test func rotatedKeyVerifiesAfterRefetch() async throws {
        let server = JWKSTestServer(keys: [self.first.verificationKey])
        try await self.withLiveServer(server) { fetcher in
            let cache = self.cache(fetcher)
            try await cache.refresh()
            server.update { $0.keys.append(self.second.verificationKey) }

            _ = try await TokenForge.verifier(keys: cache).verify(self.second.token())

            #expect(server.requestCount == 2)
        }
    }

    /// Many concurrent lookups of a newly published `kid` share one fetch, and every one of them finds the key.
    @Test func concurrentLookupsShareOneFetch() async throws {
        let server = JWKSTestServer(keys: [self.first.verificationKey])
        try await self.withLiveServer(server) { fetcher in
            let cache = self.cache(fetcher)
            try await cache.refresh()
            server.update {
                $0.keys.append(self.second.verificationKey)
                $0.delay = .milliseconds(200)
            }

            let found = await withTaskGroup(of: Bool.self) { group in
                for _ in 0..<20 {
                    group.addTask { await cache.verificationKey(for: self.second.kid) != nil }
                }
                return await group.reduce(into: [Bool]()) { $0.append($1) }
            }

            #expect(found == Array(repeating: true, count: 20))
            #expect(server.requestCount == 2)
        }
    }

    /// Concurrent refreshes share one fetch.
    @Test func concurrentRefreshesShareOneFetch() async throws {
        let server = JWKSTestServer(keys: [self.first.verificationKey])
        server.update { $0.delay = .milliseconds(200) }
        try await self.withLiveServer(server) { fetcher in
            let cache = self.cache(fetcher)

            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<10 {
                    group.addTask { try await cache.refresh() }
                }
                try await group.waitForAll()
            }

            #expect(server.requestCount == 1)
            #expect(await cache.keyIDs == [self.first.kid])
        }
    }

    /// While the server answers 500, refreshes fail but the cached keys keep verifying tokens.
    @Test func keepsKeysWhileServerFails() async throws {
        let server = JWKSTestServer(keys: [self.first.verificationKey])
        try await self.withLiveServer(server) { fetcher in
            let cache = self.cache(fetcher, refetchInterval: .zero)
            try await cache.refresh()
            server.update { $0.failing = true }

            await #expect(throws: JWKSError.unexpectedStatus(500)) { try await cache.refresh() }
            #expect(await cache.verificationKey(for: "unknown") == nil)

            #expect(server.requestCount == 3)
            #expect(await cache.keyIDs == [self.first.kid])
            _ = try await TokenForge.verifier(keys: cache).verify(self.first.token())
        }
    }

    /// After the server has stopped, refreshes fail but the cached keys keep verifying tokens.
    @Test func keepsKeysAfterServerStopped() async throws {
        let server = JWKSTestServer(keys: [self.first.verificationKey])
        let cache = try await self.withLiveServer(server, timeout: .seconds(5)) { fetcher in
            let cache = self.cache(fetcher)
            try await cache.refresh()
            return cache
        }

        await #expect(throws: (any Error).self) { try await cache.refresh() }

        #expect(await cache.keyIDs == [self.first.kid])
        _ = try await TokenForge.verifier(keys: cache).verify(self.first.token())
    }

    /// A key withdrawn from the server disappears from the cache at the next refresh.
    @Test func withdrawnKeyDisappearsAfterRefresh() async throws {
        let server = JWKSTestServer(keys: [self.first.verificationKey, self.second.verificationKey])
        try await self.withLiveServer(server) { fetcher in
            let cache = self.cache(fetcher)
            try await cache.refresh()
            server.update { $0.keys = [self.second.verificationKey] }
            #expect(await cache.keyIDs == [self.first.kid, self.second.kid])

            try await cache.refresh()

            #expect(await cache.keyIDs == [self.second.kid])
            await #expect(throws: TokenVerificationError.invalid(.unknownKeyID)) {
                try await TokenForge.verifier(keys: cache).verify(self.first.token())
            }
        }
    }

    /// `run()` retries until the first load succeeds, then refreshes as often as `max-age` (clamped) says.
    @Test func runRetriesThenRefreshesInBackground() async throws {
        let server = JWKSTestServer(keys: [self.first.verificationKey])
        server.update {
            $0.failing = true
            $0.maxAgeSeconds = 0
        }
        try await self.withLiveServer(server) { fetcher in
            let cache = JWKSCache(fetcher: fetcher, logger: Self.logger, refreshBounds: .milliseconds(100)...(.seconds(1)))
            let running = Task { try await cache.run() }
            defer { running.cancel() }

            let retried = try await Self.eventually { server.requestCount >= 2 }
            #expect(retried)
            #expect(await !cache.isLoaded)

            server.update { $0.failing = false }
            let loaded = try await Self.eventually { await cache.isLoaded }
            #expect(loaded)

            server.update { $0.keys.append(self.second.verificationKey) }
            let refreshed = try await Self.eventually { await cache.keyIDs == [self.first.kid, self.second.kid] }
            #expect(refreshed)
        }
    }

    /// Polls `condition` every 50 ms for up to `timeout`; true as soon as it holds.
    static func eventually(timeout: Duration = .seconds(20), _ condition: () async -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while ContinuousClock.now < deadline {
            if await condition() { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return await condition()
    }
}
