import Crypto
import TestSupport
import Testing
import TokenKit

/// Tokens that name another algorithm than EdDSA are refused before any key is looked up.
@Suite("Algorithm attacks")
struct AlgorithmAttackTests {
    let factory = TokenForge()
    let provider: StaticKeyProvider
    let verifier: AccessTokenVerifier

    init() {
        self.provider = StaticKeyProvider(self.factory.verificationKey)
        self.verifier = TokenForge.verifier(keys: self.provider)
    }

    /// The spellings of `none` an attacker tries.
    static let noneSpellings = ["none", "None", "NONE", "nOnE"]

    /// `alg: none` with an empty signature segment is refused as malformed (no signature at all).
    @Test(arguments: noneSpellings)
    func algNoneWithEmptySignature(alg: String) async {
        var header = self.factory.header
        header["alg"] = .string(alg)
        let token = TokenForge.withSignature(header: .object(header), payload: .object(TokenForge.claims()), signature: "")

        await #expect(throws: TokenVerificationError.invalid(.malformed)) { try await self.verifier.verify(token) }
        #expect(self.provider.requestedKeyIDs.isEmpty)
    }

    /// `alg: none` with a garbage or even a genuine EdDSA signature is refused for its algorithm.
    @Test(arguments: noneSpellings, [false, true])
    func algNoneWithSignature(alg: String, genuine: Bool) async {
        var header = self.factory.header
        header["alg"] = .string(alg)
        let token =
            genuine
            ? self.factory.token(header: header)
            : TokenForge.withSignature(header: .object(header), payload: .object(TokenForge.claims()), signature: "Z2FyYmFnZQ")

        await #expect(throws: TokenVerificationError.invalid(.disallowedAlgorithm)) { try await self.verifier.verify(token) }
        #expect(self.provider.requestedKeyIDs.isEmpty)
    }

    /// HS256 keyed with the public key (its raw bytes, its base64url `x`, or its JWK JSON) is refused.
    @Test(arguments: ["raw bytes", "base64url x", "JWK JSON"])
    func hs256WithPublicKeyAsSecret(secretForm: String) async {
        let x = self.factory.verificationKey.jwk.x
        let secret: [UInt8] =
            switch secretForm {
            case "raw bytes": Array(self.factory.verificationKey.publicKey.rawRepresentation)
            case "base64url x": Array(x.utf8)
            default: Array("{\"crv\":\"Ed25519\",\"kty\":\"OKP\",\"x\":\"\(x)\"}".utf8)
            }
        var header = self.factory.header
        header["alg"] = "HS256"
        let signingInput = TokenForge.signingInput(header: .object(header), payload: .object(TokenForge.claims()))
        let mac = HMAC<SHA256>.authenticationCode(for: Array(signingInput.utf8), using: SymmetricKey(data: secret))
        let token = signingInput + "." + Base64URL.encode(Array(mac))

        await #expect(throws: TokenVerificationError.invalid(.disallowedAlgorithm)) { try await self.verifier.verify(token) }
        #expect(self.provider.requestedKeyIDs.isEmpty)
    }

    /// A header `alg` that disagrees with the key is refused even over a genuine EdDSA signature.
    @Test(arguments: ["ES256", "RS256", "HS256", "PS256", "eddsa", "EDDSA", "Ed25519", ""])
    func mismatchedAlgorithmWithGenuineSignature(alg: String) async {
        var header = self.factory.header
        header["alg"] = .string(alg)
        let token = self.factory.token(header: header)

        await #expect(throws: TokenVerificationError.invalid(.disallowedAlgorithm)) { try await self.verifier.verify(token) }
        #expect(self.provider.requestedKeyIDs.isEmpty)
    }

    /// A missing `alg`, or one that is not a string, is refused.
    @Test(arguments: [nil, JSONValue.null, 1, ["EdDSA"], ["name": "EdDSA"]])
    func algorithmMissingOrNotAString(alg: JSONValue?) async {
        var header = self.factory.header
        header["alg"] = alg
        let token = self.factory.token(header: header)

        await #expect(throws: TokenVerificationError.invalid(.disallowedAlgorithm)) { try await self.verifier.verify(token) }
    }
}
