import TestSupport

/// The signing keys auth publishes at `/.well-known/jwks.json`, as an attacker sees them.
struct PublishedKeys: Sendable {
    /// One published key.
    struct Key: Sendable {
        let kid: String
        /// The Ed25519 public key, base64url (the JWK `x`).
        let x: String
        /// The whole JWK as published.
        let jwk: JSONValue
    }

    let keys: [Key]
    /// The `Cache-Control` header of the response.
    let cacheControl: String?

    /// Fetches auth's JWKS.
    static func fetch(from stack: ServiceStack, replica: ServiceKind = .auth) async throws -> PublishedKeys {
        let response = try await HTTP.send(.get, stack.url(replica, "/.well-known/jwks.json"))
        guard response.status == 200, let items = try response.json()["keys"]?.array else {
            throw HarnessError("JWKS: HTTP \(response.status) \(response.text.prefix(300))")
        }
        let keys = items.compactMap { item -> Key? in
            guard let kid = item["kid"]?.string, let x = item["x"]?.string else { return nil }
            return Key(kid: kid, x: x, jwk: item)
        }
        return PublishedKeys(keys: keys, cacheControl: response.header("Cache-Control"))
    }

    /// The key ids.
    var kids: Set<String> { Set(self.keys.map(\.kid)) }
}
