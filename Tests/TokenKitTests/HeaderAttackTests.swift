import TestSupport
import Testing
import TokenKit

/// Header parameters beyond `alg`, `typ` and `kid` are refused, never followed, and `typ` must be exact.
@Suite("Header attacks")
struct HeaderAttackTests {
    let factory = TokenForge()

    /// `jku`, `x5u`, `x5c` and `jwk` are refused even over a genuine signature, and no key is fetched.
    @Test(arguments: ["jku", "x5u", "x5c", "jwk"])
    func keyLocatingHeader(name: String) async {
        let provider = StaticKeyProvider(self.factory.verificationKey)
        let values: [String: JSONValue] = [
            "jku": "https://evil.example/jwks.json",
            "x5u": "https://evil.example/cert.pem",
            "x5c": ["MIIBszCCAVmgAwIBAgIUEvil"],
            "jwk": .object(["kty": "OKP", "crv": "Ed25519", "x": .string(self.factory.verificationKey.jwk.x)]),
        ]
        var header = self.factory.header
        header[name] = values[name]
        let token = self.factory.token(header: header)

        await #expect(throws: TokenVerificationError.invalid(.disallowedHeader)) {
            try await TokenForge.verifier(keys: provider).verify(token)
        }
        #expect(provider.requestedKeyIDs.isEmpty)
    }

    /// An attacker's token carrying its own key in `jwk` (and that key's thumbprint as `kid`) is refused.
    @Test func embeddedAttackerKey() async {
        let attacker = TokenForge()
        let provider = StaticKeyProvider(self.factory.verificationKey)
        var header = attacker.header
        header["jwk"] = .object(["kty": "OKP", "crv": "Ed25519", "x": .string(attacker.verificationKey.jwk.x)])

        await #expect(throws: TokenVerificationError.invalid(.disallowedHeader)) {
            try await TokenForge.verifier(keys: provider).verify(attacker.token(header: header))
        }
    }

    /// A `crit` header is refused, whatever it lists.
    @Test(arguments: [JSONValue.array(["exp"]), .array([]), .array(["b64"]), .string("exp")])
    func critHeader(crit: JSONValue) async {
        var header = self.factory.header
        header["crit"] = crit
        let token = self.factory.token(header: header)

        await #expect(throws: TokenVerificationError.invalid(.disallowedHeader)) {
            try await TokenForge.verifier(keys: StaticKeyProvider(self.factory.verificationKey)).verify(token)
        }
    }

    /// Other registered or private header parameters are refused too.
    @Test(arguments: ["cty", "zip", "b64", "x5t", "nonce"])
    func otherHeaderParameter(name: String) async {
        var header = self.factory.header
        header[name] = "value"
        let token = self.factory.token(header: header)

        await #expect(throws: TokenVerificationError.invalid(.disallowedHeader)) {
            try await TokenForge.verifier(keys: StaticKeyProvider(self.factory.verificationKey)).verify(token)
        }
    }

    /// A `typ` other than exactly `at+jwt`, or none at all, is refused.
    @Test(arguments: [JSONValue.string("JWT"), "AT+JWT", "At+Jwt", "jwt", "at+jwt ", "", .int(1), .null, nil])
    func wrongType(typ: JSONValue?) async {
        var header = self.factory.header
        header["typ"] = typ
        let token = self.factory.token(header: header)

        await #expect(throws: TokenVerificationError.invalid(.disallowedType)) {
            try await TokenForge.verifier(keys: StaticKeyProvider(self.factory.verificationKey)).verify(token)
        }
    }

    /// A header segment that is not a JSON object is malformed.
    @Test(arguments: ["bm90IGpzb24", Base64URL.encode(Array("[\"EdDSA\"]".utf8)), Base64URL.encode(Array("\"EdDSA\"".utf8))])
    func headerNotAnObject(segment: String) async {
        let genuine = self.factory.token()
        let token = segment + genuine[genuine.firstIndex(of: ".")!...]

        await #expect(throws: TokenVerificationError.invalid(.malformed)) {
            try await TokenForge.verifier(keys: StaticKeyProvider(self.factory.verificationKey)).verify(token)
        }
    }
}
