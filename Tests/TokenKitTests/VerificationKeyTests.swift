import Crypto
import Foundation
import Testing
import TokenKit

/// Ed25519 verification keys, their RFC 7638 thumbprints and their JWK form (RFC 8037).
@Suite("Verification keys and JWKS")
struct VerificationKeyTests {
    /// RFC 8037 appendix A.1: the private key `d`.
    static let rfcPrivateKey = "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A"
    /// RFC 8037 appendix A.2: the public key `x`.
    static let rfcPublicKey = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"
    /// RFC 8037 appendix A.3: the thumbprint of that key.
    static let rfcThumbprint = "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"
    /// RFC 8037 appendix A.4: a JWS signed with that key.
    static let rfcJWS =
        "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc"
        + ".hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg"

    /// A well-formed JWK of a fresh key, for the refusal tests to spoil.
    static func goodJWK() -> JSONWebKey {
        SigningKey.generate().verificationKey.jwk
    }

    /// The thumbprint of the RFC 8037 example key is the RFC's value.
    @Test func thumbprintMatchesRFC8037() throws {
        let publicKey = try Curve25519.Signing.PublicKey(rawRepresentation: try #require(Base64URL.decode(Self.rfcPublicKey)))

        #expect(VerificationKey.thumbprint(of: publicKey) == Self.rfcThumbprint)
    }

    /// A signing key restored from the RFC's private key has that public key and the thumbprint as `kid`.
    @Test func signingKeyFromRFC8037() throws {
        let key = try SigningKey(rawPrivateKey: try #require(Base64URL.decode(Self.rfcPrivateKey)))

        #expect(key.kid == Self.rfcThumbprint)
        #expect(key.verificationKey.jwk.x == Self.rfcPublicKey)
    }

    /// The RFC's example signature verifies, and a changed message does not.
    @Test func rfc8037SignatureVerifies() throws {
        let publicKey = try Curve25519.Signing.PublicKey(rawRepresentation: try #require(Base64URL.decode(Self.rfcPublicKey)))
        let key = VerificationKey(kid: Self.rfcThumbprint, publicKey: publicKey)
        let parts = Self.rfcJWS.split(separator: ".")
        let signature = try #require(Base64URL.decode(parts[2]))

        #expect(key.isValidSignature(signature, for: Array("\(parts[0]).\(parts[1])".utf8)))
        #expect(!key.isValidSignature(signature, for: Array("\(parts[0]).\(parts[1])x".utf8)))
        #expect(!key.isValidSignature(Array(signature.dropLast()), for: Array("\(parts[0]).\(parts[1])".utf8)))
    }

    /// A key's JWK names OKP, Ed25519, EdDSA and `use: sig`, and reads back to the same key.
    @Test func jwkRoundTrip() throws {
        let key = SigningKey.generate().verificationKey
        let jwk = key.jwk

        #expect(jwk.kty == "OKP")
        #expect(jwk.crv == "Ed25519")
        #expect(jwk.alg == "EdDSA")
        #expect(jwk.use == "sig")
        #expect(jwk.kid == key.kid)
        let restored = try VerificationKey(jwk: jwk)
        #expect(restored.kid == key.kid)
        #expect(restored.publicKey.rawRepresentation == key.publicKey.rawRepresentation)
    }

    /// A JWK without `alg` and `use` is still accepted (both are optional in RFC 7517).
    @Test func jwkWithoutOptionalFields() throws {
        var jwk = Self.goodJWK()
        jwk.alg = nil
        jwk.use = nil

        #expect(try VerificationKey(jwk: jwk).kid == jwk.kid)
    }

    /// A key set survives JSON encoding and yields every key by `kid`.
    @Test func keySetRoundTrip() throws {
        let keys = [SigningKey.generate().verificationKey, SigningKey.generate().verificationKey]
        let keySet = JSONWebKeySet(verificationKeys: keys)

        let decoded = try JSONDecoder().decode(JSONWebKeySet.self, from: try JSONEncoder().encode(keySet))

        #expect(decoded == keySet)
        #expect(Set(decoded.verificationKeys().keys) == Set(keys.map(\.kid)))
    }

    /// A key set holding keys of other kinds (RSA, X25519) still yields its Ed25519 keys.
    @Test func keySetSkipsForeignKeys() throws {
        let key = SigningKey.generate().verificationKey
        let json = """
            {"keys": [
                {"kty": "RSA", "kid": "rsa-1", "n": "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbf", "e": "AQAB"},
                {"kty": "OKP", "crv": "X25519", "kid": "x25519-1", "x": "hSDwCYkwp1R0i33ctD73Wg2_Og0mOBr066SpjqqbTmo"},
                {"kty": "OKP", "crv": "Ed25519", "kid": "\(key.kid)", "x": "\(key.jwk.x)", "alg": "EdDSA", "use": "sig"}
            ]}
            """

        let keySet = try JSONDecoder().decode(JSONWebKeySet.self, from: Data(json.utf8))

        #expect(Set(keySet.verificationKeys().keys) == [key.kid])
    }

    /// JWKs that are not Ed25519 signature keys, or lack a `kid`, or carry a bad `x`, are refused.
    @Test(arguments: [
        ("kty RSA", JWKSError.unsupportedKey), ("crv X25519", .unsupportedKey), ("crv missing", .unsupportedKey),
        ("alg ES256", .unsupportedKey), ("use enc", .unsupportedKey), ("kid missing", .missingKeyID), ("kid empty", .missingKeyID),
        ("x of 31 bytes", .invalidKeyMaterial), ("x of 33 bytes", .invalidKeyMaterial), ("x padded", .invalidKeyMaterial),
    ])
    func refusedJWK(change: String, error: JWKSError) {
        var jwk = Self.goodJWK()
        switch change {
        case "kty RSA": jwk.kty = "RSA"
        case "crv X25519": jwk.crv = "X25519"
        case "crv missing": jwk.crv = nil
        case "alg ES256": jwk.alg = "ES256"
        case "use enc": jwk.use = "enc"
        case "kid missing": jwk.kid = nil
        case "kid empty": jwk.kid = ""
        case "x of 31 bytes": jwk.x = Base64URL.encode([UInt8](repeating: 7, count: 31))
        case "x of 33 bytes": jwk.x = Base64URL.encode([UInt8](repeating: 7, count: 33))
        default: jwk.x += "="
        }

        #expect(throws: error) { try VerificationKey(jwk: jwk) }
    }
}
