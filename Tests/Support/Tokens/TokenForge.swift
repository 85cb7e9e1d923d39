import Crypto
import Foundation
import Testing
import TokenKit

/// Hand-crafts compact JWS access tokens, genuine or hostile: its own Ed25519 key, raw JSON headers
/// and payloads of any shape, and signatures of any kind (none, HMAC with chosen key bytes, Ed25519).
///
/// The TokenKit tests forge around a fixed point in time (``now``) for a verifier whose clock stands
/// there; the service tests sign with a key the service trusts (``StandInAuth``); the end-to-end tests
/// forge with a key nobody trusts, and the real services must refuse every one of those tokens.
package struct TokenForge: Sendable {
    /// The fixed "now" of the verifier tests, in whole seconds since 1970.
    package static let now: Int64 = 1_750_000_000
    /// The issuer every test verifier requires.
    package static let issuer = "latchkey"
    /// The service every test verifier runs as.
    package static let service = "notes"

    /// The present moment in whole seconds since 1970, for tokens sent to running services.
    package static var currentTime: Int64 { Int64(Date().timeIntervalSince1970) }

    /// The key that signs by default; its `kid` is its RFC 7638 thumbprint, the way auth names its keys.
    package let signingKey: SigningKey

    package init(signingKey: SigningKey = .generate()) {
        self.signingKey = signingKey
    }

    /// The key id of ``signingKey``.
    package var kid: String { self.signingKey.kid }

    /// The public half of ``signingKey``, as a verifier would know it.
    package var verificationKey: VerificationKey { self.signingKey.verificationKey }

    /// The key's public bytes, base64url (the JWK `x`).
    package var publicX: String { Base64URL.encode(Array(self.signingKey.privateKey.publicKey.rawRepresentation)) }

    /// The key as a public JWK.
    package var publicJWK: JSONValue {
        ["kty": "OKP", "crv": "Ed25519", "x": .string(self.publicX), "alg": "EdDSA", "use": "sig"]
    }

    /// The header of a genuine token: `alg` EdDSA, `typ` at+jwt and this forge's `kid`.
    package var header: [String: JSONValue] {
        ["alg": "EdDSA", "typ": "at+jwt", "kid": .string(self.kid)]
    }

    /// The claims of a genuine bearer-mode token naming `subject` and `session` (fresh ids unless given),
    /// for `audience`, issued at `issuedAt` (the fixed ``now`` unless given) for `lifetime` seconds.
    package static func claims(
        subject: String = UUID().uuidString.lowercased(),
        session: String = UUID().uuidString.lowercased(),
        audience: JSONValue = ["notes", "profile"],
        issuer: String = issuer,
        issuedAt: Int64 = now,
        lifetime: Int64 = 300
    ) -> [String: JSONValue] {
        [
            "iss": .string(issuer),
            "aud": audience,
            "sub": .string(subject),
            "sid": .string(session),
            "jti": .string(UUID().uuidString.lowercased()),
            "iat": .int(Int(issuedAt)),
            "nbf": .int(Int(issuedAt)),
            "exp": .int(Int(issuedAt + lifetime)),
        ]
    }

    /// Typed claims for the signer, valid from `issuedAt` for `lifetime` seconds.
    package static func accessTokenClaims(
        subject: UUID = UUID(),
        sessionID: UUID = UUID(),
        issuedAt: Int64 = now,
        lifetime: Int64 = 300,
        csrfHash: String? = nil
    ) -> AccessTokenClaims {
        // As auth issues them: `client_id` says the kind of client the transport implies.
        AccessTokenClaims(
            issuer: issuer,
            audience: ["notes", "profile"],
            subject: subject,
            sessionID: sessionID,
            tokenID: UUID(),
            issuedAt: issuedAt,
            notBefore: issuedAt,
            expiresAt: issuedAt + lifetime,
            clientID: csrfHash == nil ? "native" : "web",
            csrfHash: csrfHash
        )
    }

    /// A token over `header` and `payload` (the genuine ones by default), signed with ``signingKey``.
    package func token(header: [String: JSONValue]? = nil, payload: [String: JSONValue]? = nil) -> String {
        self.signed(header: .object(header ?? self.header), payload: .object(payload ?? Self.claims()))
    }

    /// A token over `header` and `payload` signed with ``signingKey``.
    package func signed(header: JSONValue, payload: JSONValue) -> String {
        let input = Self.signingInput(header: header, payload: payload)
        return input + "." + Base64URL.encode(self.signature(for: input))
    }

    /// The Ed25519 signature of `signingInput` with ``signingKey``.
    package func signature(for signingInput: some StringProtocol) -> [UInt8] {
        Array(try! self.signingKey.privateKey.signature(for: Array(signingInput.utf8)))
    }

    /// A token over `header` and `payload` with an HMAC-SHA256 signature keyed by `keyBytes`.
    package static func hmacSigned(header: JSONValue, payload: JSONValue, keyBytes: [UInt8]) -> String {
        let input = self.signingInput(header: header, payload: payload)
        let mac = HMAC<SHA256>.authenticationCode(for: Data(input.utf8), using: SymmetricKey(data: keyBytes))
        return input + "." + Base64URL.encode(Array(mac))
    }

    /// A token over `header` and `payload` whose signature segment is exactly `signature`.
    package static func withSignature(header: JSONValue, payload: JSONValue, signature: String) -> String {
        self.signingInput(header: header, payload: payload) + "." + signature
    }

    /// `base64url(JSON(header)) + "." + base64url(JSON(payload))`.
    package static func signingInput(header: JSONValue, payload: JSONValue) -> String {
        self.segment(header) + "." + self.segment(payload)
    }

    /// The unpadded base64url of a value's JSON text (sorted keys, slashes as they are).
    package static func segment(_ value: JSONValue) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Base64URL.encode(Array(try! encoder.encode(value)))
    }

    /// Decodes one segment of a token into a JSON object.
    package static func decodeSegment(_ segment: some StringProtocol) throws -> [String: Any] {
        let bytes = try #require(Base64URL.decode(segment))
        return try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
    }

    /// A verifier for ``service`` and ``issuer`` that knows only `keys` and whose clock stands at `now`.
    package static func verifier(keys: any VerificationKeyProvider, at now: Int64 = now, leeway: Int64 = 30) -> AccessTokenVerifier {
        AccessTokenVerifier(
            policy: VerificationPolicy(issuer: issuer, audiences: [service], leewaySeconds: leeway),
            keys: keys,
            now: { now }
        )
    }
}
