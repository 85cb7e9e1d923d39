import Crypto
import Foundation

/// An Ed25519 public key and its key id: what the JWKS publishes and what verifiers use.
public struct VerificationKey: Sendable {
    public let kid: String
    public let publicKey: Curve25519.Signing.PublicKey

    public init(kid: String, publicKey: Curve25519.Signing.PublicKey) {
        self.kid = kid
        self.publicKey = publicKey
    }

    /// Reads a key from a JWK, accepting only Ed25519 signature keys.
    public init(jwk: JSONWebKey) throws(JWKSError) {
        guard jwk.kty == "OKP", jwk.crv == "Ed25519" else { throw .unsupportedKey }
        guard jwk.alg == nil || jwk.alg == AccessTokenHeader.algorithm else { throw .unsupportedKey }
        guard jwk.use == nil || jwk.use == "sig" else { throw .unsupportedKey }
        guard let kid = jwk.kid, !kid.isEmpty, kid.utf8.count <= 128 else { throw .missingKeyID }
        guard let raw = Base64URL.decode(jwk.x), raw.count == 32,
            let publicKey = try? Curve25519.Signing.PublicKey(rawRepresentation: raw)
        else { throw .invalidKeyMaterial }
        self.init(kid: kid, publicKey: publicKey)
    }

    /// The key as a JWK with `kid`, `alg` and `use: sig`.
    public var jwk: JSONWebKey {
        JSONWebKey(kty: "OKP", crv: "Ed25519", x: Base64URL.encode(self.publicKey.rawRepresentation), kid: self.kid, alg: "EdDSA", use: "sig")
    }

    /// Checks an Ed25519 signature over `message`.
    public func isValidSignature(_ signature: [UInt8], for message: some DataProtocol) -> Bool {
        signature.count == 64 && self.publicKey.isValidSignature(signature, for: message)
    }

    /// The RFC 7638 JWK thumbprint of an Ed25519 public key, used as its `kid`.
    public static func thumbprint(of publicKey: Curve25519.Signing.PublicKey) -> String {
        let x = Base64URL.encode(publicKey.rawRepresentation)
        let canonical = "{\"crv\":\"Ed25519\",\"kty\":\"OKP\",\"x\":\"\(x)\"}"
        return Base64URL.encode(Array(SHA256.hash(data: Array(canonical.utf8))))
    }
}

/// Where a verifier finds the public key for a token's `kid`.
///
/// Implementations return only keys the auth service publishes. They never fall back to a
/// default key: an unknown `kid` is nil, and the token is refused.
public protocol VerificationKeyProvider: Sendable {
    /// The key published under `kid`, or nil.
    func verificationKey(for kid: String) async -> VerificationKey?
}
