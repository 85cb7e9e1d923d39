import Crypto
import Foundation
import TestSupport

/// Reads keys and signatures the way an independent verifier would.
enum TokenSignature {
    /// The `kid` of a token's header.
    static func kid(_ token: String) throws -> String? {
        try DecodedJWT(token).header["kid"]?.string
    }

    /// The Ed25519 public key of a JWK.
    static func publicKey(_ jwk: JSONValue) -> Curve25519.Signing.PublicKey? {
        guard let x = jwk["x"]?.string, let raw = Base64URLText.decode(x) else { return nil }
        return try? Curve25519.Signing.PublicKey(rawRepresentation: raw)
    }

    /// Whether `token`'s signature verifies with the JWK of its `kid` in `jwks`.
    static func verifies(_ token: String, with jwks: JSONValue) throws -> Bool {
        let kid = try self.kid(token)
        guard let jwk = jwks["keys"]?.array?.first(where: { $0["kid"]?.string == kid }), let key = self.publicKey(jwk) else { return false }
        let segments = token.split(separator: ".").map(String.init)
        guard segments.count == 3, let signature = Base64URLText.decode(segments[2]) else { return false }
        return key.isValidSignature(signature, for: Data((segments[0] + "." + segments[1]).utf8))
    }
}
