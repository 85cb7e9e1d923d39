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

    /// Decodes a key set, skipping members that are not in the Ed25519 shape (an RSA key has no `x`),
    /// so that one foreign key does not make the whole set unreadable.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        var members = try container.nestedUnkeyedContainer(forKey: .keys)
        var keys: [JSONWebKey] = []
        while !members.isAtEnd {
            if let key = try? members.decode(JSONWebKey.self) {
                keys.append(key)
            } else {
                _ = try members.decode(SkippedMember.self)
            }
        }
        self.keys = keys
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

    /// Consumes one member of `keys` without reading it.
    private struct SkippedMember: Decodable {
        init(from decoder: any Decoder) throws {}
    }
}

/// A fetched key set together with how long it may be cached.
public struct JWKSDocument: Sendable {
    public var keySet: JSONWebKeySet
    /// The `max-age` of the response's `Cache-Control`, if it had one.
    public var maxAgeSeconds: Int?

    public init(keySet: JSONWebKeySet, maxAgeSeconds: Int?) {
        self.keySet = keySet
        self.maxAgeSeconds = maxAgeSeconds
    }
}

/// Why a JWKS or one of its keys could not be used.
public enum JWKSError: Error, Sendable, Equatable {
    case unsupportedKey
    case missingKeyID
    case invalidKeyMaterial
    case unexpectedStatus(Int)
    case malformedDocument
}

/// One public key of a JSON Web Key Set (RFC 7517), in the Ed25519 form (RFC 8037) Latchkey uses.
public struct JSONWebKey: Codable, Sendable, Equatable {
    public var kty: String
    public var crv: String?
    public var x: String
    public var kid: String?
    public var alg: String?
    public var use: String?

    public init(kty: String, crv: String?, x: String, kid: String?, alg: String?, use: String?) {
        self.kty = kty
        self.crv = crv
        self.x = x
        self.kid = kid
        self.alg = alg
        self.use = use
    }
}
