import TestSupport
import Testing
import TokenKit

/// Only a `kid` the provider publishes is ever used: no default key, no fallback, no interpretation.
@Suite("Key id attacks")
struct KeyIDAttackTests {
    let factory = TokenForge()

    /// A token without a `kid`, or with an empty one, is refused and no key is looked up.
    @Test(arguments: [nil, JSONValue.string("")])
    func missingKeyID(kid: JSONValue?) async {
        let provider = StaticKeyProvider(self.factory.verificationKey)
        var header = self.factory.header
        header["kid"] = kid
        let token = self.factory.token(header: header)

        await #expect(throws: TokenVerificationError.invalid(.missingKeyID)) {
            try await TokenForge.verifier(keys: provider).verify(token)
        }
        #expect(provider.requestedKeyIDs.isEmpty)
    }

    /// A `kid` that is not a string is refused as missing, without a lookup.
    @Test(arguments: [JSONValue.int(1), .int(0), .null, .bool(true), ["a"], ["kid": "a"]])
    func nonStringKeyID(kid: JSONValue) async {
        let provider = StaticKeyProvider(self.factory.verificationKey)
        var header = self.factory.header
        header["kid"] = kid
        let token = self.factory.token(header: header)

        await #expect(throws: TokenVerificationError.invalid(.missingKeyID)) {
            try await TokenForge.verifier(keys: provider).verify(token)
        }
        #expect(provider.requestedKeyIDs.isEmpty)
    }

    /// An unknown `kid` is refused even though the provider holds a valid key that made the signature:
    /// the provider is asked for exactly that `kid`, and its other key is never tried.
    @Test func unknownKeyIDNeverFallsBack() async {
        let provider = StaticKeyProvider(self.factory.verificationKey)
        var header = self.factory.header
        header["kid"] = "retired-key"
        let token = self.factory.token(header: header)

        await #expect(throws: TokenVerificationError.invalid(.unknownKeyID)) {
            try await TokenForge.verifier(keys: provider).verify(token)
        }
        #expect(provider.requestedKeyIDs == ["retired-key"])
    }

    /// An unknown `kid` signed by a key the provider does not hold is refused the same way.
    @Test func unknownKeyIDOfForeignKey() async {
        let attacker = TokenForge()
        let provider = StaticKeyProvider(self.factory.verificationKey)

        await #expect(throws: TokenVerificationError.invalid(.unknownKeyID)) {
            try await TokenForge.verifier(keys: provider).verify(attacker.token())
        }
        #expect(provider.requestedKeyIDs == [attacker.kid])
    }

    /// Hostile `kid` values are looked up verbatim, as opaque strings, and refused as unknown.
    @Test(arguments: ["../../etc/passwd", "' OR 1=1 --", "/dev/null", "https://evil.example/jwks.json", "kid\u{0}", "*"])
    func hostileKeyID(kid: String) async {
        let provider = StaticKeyProvider(self.factory.verificationKey)
        var header = self.factory.header
        header["kid"] = .string(kid)
        let token = self.factory.token(header: header)

        await #expect(throws: TokenVerificationError.invalid(.unknownKeyID)) {
            try await TokenForge.verifier(keys: provider).verify(token)
        }
        #expect(provider.requestedKeyIDs == [kid])
    }

    /// A 10 KB `kid` makes the token oversized; it is refused before the header is even read.
    @Test func tenKilobyteKeyID() async {
        let provider = StaticKeyProvider(self.factory.verificationKey)
        var header = self.factory.header
        header["kid"] = .string(String(repeating: "k", count: 10 * 1024))
        let token = self.factory.token(header: header)

        await #expect(throws: TokenVerificationError.invalid(.oversized)) {
            try await TokenForge.verifier(keys: provider).verify(token)
        }
        #expect(provider.requestedKeyIDs.isEmpty)
    }

    /// A `kid` longer than 128 bytes in a token that is not oversized is refused without a lookup.
    @Test func overlongKeyID() async {
        let provider = StaticKeyProvider(self.factory.verificationKey)
        var header = self.factory.header
        header["kid"] = .string(String(repeating: "k", count: 129))
        let token = self.factory.token(header: header)

        await #expect(throws: TokenVerificationError.invalid(.missingKeyID)) {
            try await TokenForge.verifier(keys: provider).verify(token)
        }
        #expect(provider.requestedKeyIDs.isEmpty)
    }

    /// A known `kid` on a token signed by another key fails the signature check.
    @Test func knownKeyIDForeignSignature() async {
        let attacker = TokenForge()
        let provider = StaticKeyProvider(self.factory.verificationKey)
        let token = attacker.token(header: self.factory.header)

        await #expect(throws: TokenVerificationError.invalid(.badSignature)) {
            try await TokenForge.verifier(keys: provider).verify(token)
        }
        #expect(provider.requestedKeyIDs == [self.factory.kid])
    }

    /// With two published keys, each token verifies only under its own `kid`.
    @Test func twoKeysEachUnderItsOwnKeyID() async throws {
        let other = TokenForge()
        let provider = StaticKeyProvider(self.factory.verificationKey, other.verificationKey)
        let verifier = TokenForge.verifier(keys: provider)

        _ = try await verifier.verify(self.factory.token())
        _ = try await verifier.verify(other.token())
        await #expect(throws: TokenVerificationError.invalid(.badSignature)) {
            try await verifier.verify(other.token(header: self.factory.header))
        }
    }
}
