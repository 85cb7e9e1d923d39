import Crypto
import Synchronization

/// Remembers the claims of tokens that passed full verification, so a client's next request with the
/// same token skips parsing and the signature check.
///
/// Keyed by the SHA-256 of the exact token bytes: a token that differs in one byte is a miss and gets
/// full verification. A hit still has its time claims checked on every use (by ``AccessTokenVerifier``),
/// an entry is dropped once its token has expired, and entries of a key that leaves the JWKS are purged
/// (``purge(kids:)``). The cache holds at most ``capacity`` entries and evicts the least recently used.
public final class VerifiedTokenCache: Sendable {
    /// A token's identity in the cache: its SHA-256.
    struct Key: Hashable {
        let a: UInt64
        let b: UInt64
        let c: UInt64
        let d: UInt64

        init(_ bytes: [UInt8]) {
            let digest = SHA256.hash(data: bytes)
            var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
            digest.withUnsafeBytes { raw in
                words = (
                    raw.loadUnaligned(fromByteOffset: 0, as: UInt64.self),
                    raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self),
                    raw.loadUnaligned(fromByteOffset: 16, as: UInt64.self),
                    raw.loadUnaligned(fromByteOffset: 24, as: UInt64.self)
                )
            }
            (self.a, self.b, self.c, self.d) = words
        }
    }

    /// The most entries kept.
    public let capacity: Int
    private let storage: Mutex<LeastRecentlyUsed>

    public init(capacity: Int = 10_000) {
        precondition(capacity > 0, "capacity must be positive")
        self.capacity = capacity
        self.storage = Mutex(LeastRecentlyUsed(capacity: capacity))
    }

    /// The claims cached for `key`, unless the token is past `expiresBefore` (then the entry is dropped).
    func claims(for key: Key, expiresBefore now: Int64, leeway: Int64) -> AccessTokenClaims? {
        self.storage.withLock { storage in
            guard let entry = storage.get(key) else { return nil }
            guard now - leeway < entry.claims.expiresAt else {
                storage.remove(key)
                return nil
            }
            return entry.claims
        }
    }

    /// Remembers a token that passed full verification with the key `kid`.
    func insert(_ key: Key, claims: AccessTokenClaims, kid: String) {
        self.storage.withLock { $0.set(key, LeastRecentlyUsed.Entry(claims: claims, kid: kid)) }
    }

    /// Forgets every token signed by one of `kids` (keys withdrawn from the JWKS).
    public func purge(kids: Set<String>) {
        guard !kids.isEmpty else { return }
        self.storage.withLock { $0.removeAll { kids.contains($0.kid) } }
    }

    /// The number of cached tokens.
    public var count: Int { self.storage.withLock { $0.count } }
}
