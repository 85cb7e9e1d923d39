import AsyncHTTPClient
import Foundation
import HummingbirdTesting
import TestSupport
import Testing
import TokenKit
import TokenKitClients

/// The verifier's cache of fully verified tokens: hits skip the signature, never the time checks.
@Suite("Verified-token cache")
struct VerifiedTokenCacheTests {
    let factory = TokenForge()

    /// A verifier over `keys` with `cache`, whose clock reads `clock`.
    func verifier(keys: any VerificationKeyProvider, cache: VerifiedTokenCache, clock: TestClock) -> AccessTokenVerifier {
        AccessTokenVerifier(
            policy: VerificationPolicy(issuer: TokenForge.issuer, audiences: [TokenForge.service]),
            keys: keys,
            cache: cache,
            now: { Int64(clock.epochSeconds) }
        )
    }

    /// The second verification of the same token is a hit: same claims, no key lookup.
    @Test func hitSkipsKeyLookup() async throws {
        let keys = StaticKeyProvider(self.factory.verificationKey)
        let cache = VerifiedTokenCache()
        let clock = TestClock(epochSeconds: TokenForge.now)
        let verifier = self.verifier(keys: keys, cache: cache, clock: clock)
        let token = self.factory.token()
        let first = try await verifier.verify(token)
        let second = try await verifier.verify(token)
        #expect(first == second)
        #expect(keys.requestedKeyIDs.count == 1)
        #expect(cache.count == 1)
    }

    /// A cached token is refused as expired once its time is up, exactly as an uncached one.
    @Test func cachedTokenExpires() async throws {
        let cache = VerifiedTokenCache()
        let clock = TestClock(epochSeconds: TokenForge.now)
        let verifier = self.verifier(keys: StaticKeyProvider(self.factory.verificationKey), cache: cache, clock: clock)
        let token = self.factory.token()
        _ = try await verifier.verify(token)
        clock.set(epochSeconds: TokenForge.now + 300 + 29)
        _ = try await verifier.verify(token)
        clock.set(epochSeconds: TokenForge.now + 300 + 30)
        await #expect(throws: TokenVerificationError.expired) { try await verifier.verify(token) }
        #expect(cache.count == 0)
    }

    /// A cached token is refused once its key is withdrawn and purged.
    @Test func purgedKeyRefusesCachedToken() async throws {
        let cache = VerifiedTokenCache()
        let clock = TestClock(epochSeconds: TokenForge.now)
        let token = self.factory.token()
        _ = try await self.verifier(keys: StaticKeyProvider(self.factory.verificationKey), cache: cache, clock: clock).verify(token)
        cache.purge(kids: [self.factory.kid])
        let withoutKey = self.verifier(keys: StaticKeyProvider(TokenForge().verificationKey), cache: cache, clock: clock)
        await #expect(throws: TokenVerificationError.invalid(.unknownKeyID)) { try await withoutKey.verify(token) }
    }

    /// The JWKS cache purges the tokens of a key that leaves the key set on refresh.
    @Test func jwksWithdrawalPurgesTokens() async throws {
        let server = JWKSTestServer(keys: [self.factory.verificationKey])
        try await server.application().test(.live) { client in
            let port = try #require(client.port)
            let cache = VerifiedTokenCache()
            let jwks = JWKSCache(
                fetcher: HTTPJWKSFetcher(authURL: "http://127.0.0.1:\(port)", httpClient: .shared),
                logger: JWKSCacheTests.logger,
                unknownKeyRefetchInterval: .seconds(60),
                verifiedTokens: cache
            )
            try await jwks.refresh()
            let verifier = self.verifier(keys: jwks, cache: cache, clock: TestClock(epochSeconds: TokenForge.now))
            let token = self.factory.token()
            _ = try await verifier.verify(token)
            #expect(cache.count == 1)
            server.update { $0.keys = [TokenForge().verificationKey] }
            try await jwks.refresh()
            #expect(cache.count == 0)
            await #expect(throws: TokenVerificationError.invalid(.unknownKeyID)) { try await verifier.verify(token) }
        }
    }

    /// A token that differs by one byte is not a hit: it gets full verification and fails it.
    @Test func tamperedTokenIsNotAHit() async throws {
        let verifier = self.verifier(
            keys: StaticKeyProvider(self.factory.verificationKey),
            cache: VerifiedTokenCache(),
            clock: TestClock(epochSeconds: TokenForge.now)
        )
        let token = self.factory.token()
        _ = try await verifier.verify(token)
        var tampered = Array(token.utf8)
        tampered[tampered.count - 2] = tampered[tampered.count - 2] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
        await #expect(throws: TokenVerificationError.invalid(.badSignature)) {
            try await verifier.verify(String(decoding: tampered, as: UTF8.self))
        }
    }

    /// The cache holds at most its capacity and evicts the least recently used token.
    @Test func leastRecentlyUsedIsEvicted() async throws {
        let keys = StaticKeyProvider(self.factory.verificationKey)
        let cache = VerifiedTokenCache(capacity: 2)
        let verifier = self.verifier(keys: keys, cache: cache, clock: TestClock(epochSeconds: TokenForge.now))
        let tokens = (0..<3).map { _ in
            self.factory.token(payload: TokenForge.claims().merging(["jti": .string(UUID().uuidString.lowercased())]) { $1 })
        }
        _ = try await verifier.verify(tokens[0])
        _ = try await verifier.verify(tokens[1])
        _ = try await verifier.verify(tokens[0])
        _ = try await verifier.verify(tokens[2])
        #expect(cache.count == 2)
        let before = keys.requestedKeyIDs.count
        _ = try await verifier.verify(tokens[0])
        #expect(keys.requestedKeyIDs.count == before)
        _ = try await verifier.verify(tokens[1])
        #expect(keys.requestedKeyIDs.count == before + 1)
    }

    /// `allowingExpired` (self-reissue) never reads or fills the cache.
    @Test func allowingExpiredBypassesCache() async throws {
        let cache = VerifiedTokenCache()
        let verifier = self.verifier(
            keys: StaticKeyProvider(self.factory.verificationKey),
            cache: cache,
            clock: TestClock(epochSeconds: TokenForge.now)
        )
        _ = try await verifier.verify(self.factory.token(), allowingExpired: true)
        #expect(cache.count == 0)
    }
}
