import TestSupport
import Testing
import TokenKit

/// Genuinely signed tokens whose claims break the contract are refused with the claim's reason.
@Suite("Claims attacks")
struct ClaimsAttackTests {
    let factory = TokenForge()

    /// Verifies a genuinely signed token with `payload` at the fixed clock.
    func verify(_ payload: [String: JSONValue]) async throws(TokenVerificationError) -> AccessTokenClaims {
        try await TokenForge.verifier(keys: StaticKeyProvider(self.factory.verificationKey)).verify(self.factory.token(payload: payload))
    }

    /// An `iss` other than exactly the configured issuer is refused.
    @Test(arguments: ["evil", "Latchkey", "latchkey ", "", "https://latchkey"])
    func wrongIssuer(issuer: String) async {
        var payload = TokenForge.claims()
        payload["iss"] = .string(issuer)

        await #expect(throws: TokenVerificationError.invalid(.wrongIssuer)) { try await self.verify(payload) }
    }

    /// An `aud` array that does not name this service is refused.
    @Test(arguments: [JSONValue.array(["profile"]), .array([]), .array(["NOTES"]), .array(["notes-admin", "profile"])])
    func audienceWithoutService(audience: JSONValue) async {
        var payload = TokenForge.claims()
        payload["aud"] = audience

        await #expect(throws: TokenVerificationError.invalid(.wrongAudience)) { try await self.verify(payload) }
    }

    /// `aud` as a plain string, even naming this service, is not the contract's array and is refused.
    @Test func audienceAsString() async {
        var payload = TokenForge.claims()
        payload["aud"] = "notes"

        await #expect(throws: TokenVerificationError.invalid(.malformedClaims)) { try await self.verify(payload) }
    }

    /// A `sub`, `sid` or `jti` that is not a UUID is refused.
    @Test(arguments: ["sub", "sid", "jti"], [JSONValue.string("alice"), "", "12345", "00000000-0000-0000-0000-00000000000g", .int(7)])
    func nonUUIDIdentifier(claim: String, value: JSONValue) async {
        var payload = TokenForge.claims()
        payload[claim] = value

        await #expect(throws: TokenVerificationError.invalid(.malformedClaims)) { try await self.verify(payload) }
    }

    /// A token missing any required claim is refused.
    @Test(arguments: ["iss", "aud", "sub", "sid", "jti", "iat", "nbf", "exp"])
    func missingClaim(claim: String) async {
        var payload = TokenForge.claims()
        payload[claim] = nil

        await #expect(throws: TokenVerificationError.invalid(.malformedClaims)) { try await self.verify(payload) }
    }

    /// Times that are not whole-second numbers are refused.
    @Test(arguments: ["iat", "nbf", "exp"])
    func timeAsString(claim: String) async {
        var payload = TokenForge.claims()
        payload[claim] = .string(String(TokenForge.now + 300))

        await #expect(throws: TokenVerificationError.invalid(.malformedClaims)) { try await self.verify(payload) }
    }

    /// A payload that is not a JSON object is refused, even with a genuine signature.
    @Test func payloadNotJSON() async {
        let signingInput = TokenForge.segment(.object(self.factory.header)) + "." + Base64URL.encode(Array("not json".utf8))
        let token = signingInput + "." + Base64URL.encode(self.factory.signature(for: signingInput))

        await #expect(throws: TokenVerificationError.invalid(.malformedClaims)) {
            try await TokenForge.verifier(keys: StaticKeyProvider(self.factory.verificationKey)).verify(token)
        }
    }
}
