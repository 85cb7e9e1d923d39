import Foundation

/// Verifies access tokens strictly, enforcing every rule of the contract that jwt-kit alone does not.
///
/// In order: size; three non-empty base64url segments; a header of only `alg`, `typ` and `kid`
/// with `alg` exactly `EdDSA` and `typ` exactly `at+jwt`; a `kid` the provider knows (no default
/// key, ever); the Ed25519 signature over the first two segments; then the claims: `iss`, `aud`,
/// `nbf` and finally `exp`, each with at most 30 s of leeway. Because the signature is checked
/// before any claim, ``TokenVerificationError/expired`` means "genuine, but too old".
public struct AccessTokenVerifier: Sendable {
    /// The claim requirements.
    public let policy: VerificationPolicy
    private let keys: any VerificationKeyProvider
    private let cache: VerifiedTokenCache?
    private let now: @Sendable () -> Int64

    /// - Parameters:
    ///   - policy: issuer, audiences and leeway to enforce.
    ///   - keys: where published keys come from.
    ///   - cache: remembers fully verified tokens; a hit skips parsing and the signature, never the time checks.
    ///   - now: the current time in whole seconds since 1970 (tests move it).
    public init(
        policy: VerificationPolicy,
        keys: any VerificationKeyProvider,
        cache: VerifiedTokenCache? = nil,
        now: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970.rounded(.down)) }
    ) {
        self.policy = policy
        self.keys = keys
        self.cache = cache
        self.now = now
    }

    /// Verifies `token` and returns its claims.
    ///
    /// - Parameters:
    ///   - token: the compact JWS as presented, without the `Bearer ` prefix.
    ///   - allowingExpired: accept a token past `exp` (only for self-reissue, which has its
    ///     own `iat` window); every other rule still applies.
    public func verify(_ token: String, allowingExpired: Bool = false) async throws(TokenVerificationError) -> AccessTokenClaims {
        let bytes = Array(token.utf8)
        guard bytes.count <= AccessTokenHeader.maximumTokenLength else { throw .invalid(.oversized) }
        let cacheKey = self.cache.map { _ in VerifiedTokenCache.Key(bytes) }
        if let cache = self.cache, let cacheKey, !allowingExpired,
            let claims = cache.claims(for: cacheKey, expiresBefore: self.now(), leeway: self.policy.leewaySeconds)
        {
            try self.checkTimes(claims, allowingExpired: false)
            return claims
        }
        let segments = try Self.split(bytes)
        let kid = try Self.checkHeader(bytes[segments.header])
        guard let key = await self.keys.verificationKey(for: kid) else { throw .invalid(.unknownKeyID) }
        guard let signature = Base64URL.decode(utf8: bytes[segments.signature]),
            key.isValidSignature(signature, for: bytes[segments.signingInput])
        else { throw .invalid(.badSignature) }
        let claims = try Self.decodeClaims(bytes[segments.payload])
        try self.checkClaims(claims, allowingExpired: allowingExpired)
        if let cache = self.cache, let cacheKey, !allowingExpired {
            cache.insert(cacheKey, claims: claims, kid: kid)
        }
        return claims
    }

    /// The byte ranges of a compact JWS.
    struct Segments {
        let header: Range<Int>
        let payload: Range<Int>
        let signature: Range<Int>
        var signingInput: Range<Int> { self.header.lowerBound..<self.payload.upperBound }
    }

    static func split(_ bytes: [UInt8]) throws(TokenVerificationError) -> Segments {
        let dot = UInt8(ascii: ".")
        guard let first = bytes.firstIndex(of: dot),
            let second = bytes[(first + 1)...].firstIndex(of: dot),
            !bytes[(second + 1)...].contains(dot),
            first > 0, second > first + 1, second < bytes.count - 1
        else { throw .invalid(.malformed) }
        return Segments(header: 0..<first, payload: (first + 1)..<second, signature: (second + 1)..<bytes.count)
    }

    /// One decoder for every token: making a `JSONDecoder` per call is measurable at this rate, and its
    /// `decode` is safe to call concurrently.
    private static let decoder = JSONDecoder()

    /// Checks the JOSE header and returns its `kid`.
    static func checkHeader(_ encoded: ArraySlice<UInt8>) throws(TokenVerificationError) -> String {
        guard let json = Base64URL.decode(utf8: encoded), let header = JOSEHeader.decode(json, decoder: Self.decoder) else {
            throw .invalid(.malformed)
        }
        guard header.alg == AccessTokenHeader.algorithm else { throw .invalid(.disallowedAlgorithm) }
        guard header.names.allSatisfy(AccessTokenHeader.allowedParameters.contains) else { throw .invalid(.disallowedHeader) }
        guard header.typ == AccessTokenHeader.type else { throw .invalid(.disallowedType) }
        guard let kid = header.kid, !kid.isEmpty, kid.utf8.count <= 128 else {
            throw .invalid(.missingKeyID)
        }
        return kid
    }

    static func decodeClaims(_ encoded: ArraySlice<UInt8>) throws(TokenVerificationError) -> AccessTokenClaims {
        guard let json = Base64URL.decode(utf8: encoded) else { throw .invalid(.malformedClaims) }
        if let claims = json.withUnsafeBufferPointer({ AccessTokenClaims(compact: $0) }) { return claims }
        guard let claims = try? Self.decoder.decode(AccessTokenClaims.self, from: Data(json)) else { throw .invalid(.malformedClaims) }
        return claims
    }

    func checkClaims(_ claims: AccessTokenClaims, allowingExpired: Bool) throws(TokenVerificationError) {
        guard claims.issuer == self.policy.issuer else { throw .invalid(.wrongIssuer) }
        guard claims.audience.contains(where: self.policy.audiences.contains) else { throw .invalid(.wrongAudience) }
        try self.checkTimes(claims, allowingExpired: allowingExpired)
    }

    /// Checks `nbf` and `exp` against the clock; run on every use, cached or not.
    func checkTimes(_ claims: AccessTokenClaims, allowingExpired: Bool) throws(TokenVerificationError) {
        let now = self.now()
        let leeway = self.policy.leewaySeconds
        // Valid from `nbf - leeway` (inclusive) until `exp + leeway` (exclusive). The leeway moves
        // `now`, never the token's times, so that extreme `nbf` or `exp` values cannot overflow.
        guard now + leeway >= claims.notBefore else { throw .invalid(.notYetValid) }
        guard allowingExpired || now - leeway < claims.expiresAt else { throw .expired }
    }
}
