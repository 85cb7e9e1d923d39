import Crypto
import Foundation

/// An attacker's workshop for access tokens: its own Ed25519 key, raw JSON headers and payloads
/// of any shape, and signatures of any kind (none, HMAC with chosen key bytes, Ed25519).
///
/// Forged tokens go to the real services, which must refuse every one of them.
struct TokenForge: Sendable {
    /// The attacker's signing key.
    let key: Curve25519.Signing.PrivateKey

    init(key: Curve25519.Signing.PrivateKey = Curve25519.Signing.PrivateKey()) {
        self.key = key
    }

    /// The attacker key's public bytes, base64url (the JWK `x`).
    var publicX: String { Base64URLCoding.encode(self.key.publicKey.rawRepresentation) }

    /// The attacker key as a public JWK.
    var publicJWK: JSONValue {
        ["kty": "OKP", "crv": "Ed25519", "x": .string(self.publicX), "alg": "EdDSA", "use": "sig"]
    }

    /// The RFC 7638 thumbprint of the attacker key, the way auth names its own keys.
    var kid: String {
        let canonical = #"{"crv":"Ed25519","kty":"OKP","x":"\#(self.publicX)"}"#
        return Base64URLCoding.encode(SHA256.hash(data: Data(canonical.utf8)))
    }

    /// `base64url(JSON(header)).base64url(JSON(payload))`.
    static func signingInput(header: JSONValue, payload: JSONValue) -> String {
        self.segment(header) + "." + self.segment(payload)
    }

    /// The base64url of a value's JSON text.
    static func segment(_ value: JSONValue) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Base64URLCoding.encode(try! encoder.encode(value))
    }

    /// A token over `header` and `payload` signed with the attacker's Ed25519 key.
    func signed(header: JSONValue, payload: JSONValue) -> String {
        let input = Self.signingInput(header: header, payload: payload)
        let signature = try! self.key.signature(for: Data(input.utf8))
        return input + "." + Base64URLCoding.encode(signature)
    }

    /// A token over `header` and `payload` with an HMAC-SHA256 signature keyed by `keyBytes`.
    static func hmacSigned(header: JSONValue, payload: JSONValue, keyBytes: [UInt8]) -> String {
        let input = self.signingInput(header: header, payload: payload)
        let mac = HMAC<SHA256>.authenticationCode(for: Data(input.utf8), using: SymmetricKey(data: keyBytes))
        return input + "." + Base64URLCoding.encode(mac)
    }

    /// A token over `header` and `payload` whose signature segment is exactly `signature`.
    static func withSignature(header: JSONValue, payload: JSONValue, signature: String) -> String {
        self.signingInput(header: header, payload: payload) + "." + signature
    }

    /// A complete, well-formed claim set naming `subject` and `session`, valid now, for `audience`.
    static func claims(subject: String, session: String, audience: JSONValue = ["notes", "profile"], issuer: String = "latchkey") -> JSONValue {
        let now = Int(Date().timeIntervalSince1970)
        return [
            "iss": .string(issuer),
            "aud": audience,
            "sub": .string(subject),
            "sid": .string(session),
            "jti": .string(UUID().uuidString.lowercased()),
            "iat": .int(now),
            "nbf": .int(now),
            "exp": .int(now + 300),
        ]
    }
}
