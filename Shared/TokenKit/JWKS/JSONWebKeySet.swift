import Foundation

/// A JSON Web Key Set: the body of `GET /.well-known/jwks.json`.
public struct JSONWebKeySet: Codable, Sendable, Equatable {
    public var keys: [JSONWebKey]

    public init(keys: [JSONWebKey]) {
        self.keys = keys
    }

    public init(verificationKeys: [VerificationKey]) {
        self.keys = verificationKeys.map(\.jwk)
    }

    /// The usable Ed25519 signature keys by `kid`; keys of other kinds are skipped, as RFC 7517 asks.
    public func verificationKeys() -> [String: VerificationKey] {
        var result: [String: VerificationKey] = [:]
        for jwk in self.keys {
            if let key = try? VerificationKey(jwk: jwk) {
                result[key.kid] = key
            }
        }
        return result
    }
}
