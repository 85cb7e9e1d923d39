import Crypto
import Foundation
import Testing
import TokenKit

/// Hand-crafts compact JWS access tokens, genuine or hostile, around a fixed point in time.
///
/// Headers and payloads are raw JSON objects, so a test can write any field with any type; the
/// signature is Ed25519 with the factory's own key unless a test supplies other bytes.
struct TokenFactory: Sendable {
    /// The fixed "now" of the verifier tests, in whole seconds since 1970.
    static let now: Int64 = 1_750_000_000
    /// The issuer every test verifier requires.
    static let issuer = "latchkey"
    /// The service every test verifier runs as.
    static let service = "notes"

    /// The key that signs by default; its `kid` is its RFC 7638 thumbprint.
    let signingKey: SigningKey

    init(signingKey: SigningKey = .generate()) {
        self.signingKey = signingKey
    }

    /// The key id of ``signingKey``.
    var kid: String { self.signingKey.kid }

    /// The public half of ``signingKey``, as a verifier would know it.
    var verificationKey: VerificationKey { self.signingKey.verificationKey }

    /// The header of a genuine token: `alg` EdDSA, `typ` at+jwt and this factory's `kid`.
    var header: [String: JSONValue] {
        ["alg": "EdDSA", "typ": "at+jwt", "kid": .string(self.kid)]
    }

    /// The claims of a genuine bearer-mode token for notes and profile, issued at `issuedAt`.
    static func claims(issuedAt: Int64 = now, lifetime: Int64 = 300) -> [String: JSONValue] {
        [
            "iss": .string(issuer),
            "aud": ["notes", "profile"],
            "sub": .string(UUID().uuidString.lowercased()),
            "sid": .string(UUID().uuidString.lowercased()),
            "jti": .string(UUID().uuidString.lowercased()),
            "iat": .number(issuedAt),
            "nbf": .number(issuedAt),
            "exp": .number(issuedAt + lifetime),
        ]
    }

    /// Typed claims for the signer, valid from `issuedAt` for `lifetime` seconds.
    static func accessTokenClaims(
        subject: UUID = UUID(),
        sessionID: UUID = UUID(),
        issuedAt: Int64 = now,
        lifetime: Int64 = 300,
        csrfHash: String? = nil
    ) -> AccessTokenClaims {
        AccessTokenClaims(
            issuer: issuer,
            audience: ["notes", "profile"],
            subject: subject,
            sessionID: sessionID,
            tokenID: UUID(),
            issuedAt: issuedAt,
            notBefore: issuedAt,
            expiresAt: issuedAt + lifetime,
            csrfHash: csrfHash
        )
    }

    /// A token over `header` and `payload` (the genuine ones by default), signed with ``signingKey``.
    func token(header: [String: JSONValue]? = nil, payload: [String: JSONValue]? = nil) -> String {
        let signingInput = Self.signingInput(header: header ?? self.header, payload: payload ?? Self.claims())
        return signingInput + "." + Base64URL.encode(self.signature(for: signingInput))
    }

    /// A token over `header` and `payload` whose signature segment is exactly `signature`.
    static func token(header: [String: JSONValue], payload: [String: JSONValue], signature: String) -> String {
        self.signingInput(header: header, payload: payload) + "." + signature
    }

    /// The Ed25519 signature of `signingInput` with ``signingKey``.
    func signature(for signingInput: some StringProtocol) -> [UInt8] {
        Array(try! self.signingKey.privateKey.signature(for: Array(signingInput.utf8)))
    }

    /// `base64url(header) + "." + base64url(payload)`.
    static func signingInput(header: [String: JSONValue], payload: [String: JSONValue]) -> String {
        self.segment(.object(header)) + "." + self.segment(.object(payload))
    }

    /// The unpadded base64url of a value's JSON.
    static func segment(_ value: JSONValue) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Base64URL.encode(try! encoder.encode(value))
    }

    /// Decodes one segment of a token into a JSON object.
    static func decodeSegment(_ segment: some StringProtocol) throws -> [String: Any] {
        let bytes = try #require(Base64URL.decode(segment))
        return try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
    }

    /// A verifier for ``service`` and ``issuer`` that knows only `keys` and whose clock stands at `now`.
    static func verifier(keys: any VerificationKeyProvider, at now: Int64 = now, leeway: Int64 = 30) -> AccessTokenVerifier {
        AccessTokenVerifier(
            policy: VerificationPolicy(issuer: issuer, audiences: [service], leewaySeconds: leeway),
            keys: keys,
            now: { now }
        )
    }
}
