import Foundation
import HTTPTypes
import HummingbirdTesting
import TestSupport
import Testing

/// `GET /.well-known/jwks.json`: the public signing keys.
@Suite struct JWKSTests {
    /// The JWKS answers 200 with `Cache-Control: max-age`, and every key is a public Ed25519
    /// signature key with kid, alg, use, kty and crv, and nothing private.
    @Test func publishesPublicEd25519Keys() async throws {
        try await TestApp.run { api in
            let response = try await api.send(.get, "/.well-known/jwks.json")
            #expect(response.status == .ok)
            #expect(response.mediaType == "application/json")
            let cacheControl = response.headers[.cacheControl] ?? ""
            let maxAge = cacheControl.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                .first { $0.hasPrefix("max-age=") }
                .flatMap { Int($0.dropFirst("max-age=".count)) }
            #expect((maxAge ?? 0) > 0, "Cache-Control: \(cacheControl)")
            let body = try response.json()
            #expect(body.keys == ["keys"])
            let keys = try #require(body["keys"]?.array)
            #expect(!keys.isEmpty)
            for key in keys {
                #expect(key["kid"]?.string?.isEmpty == false)
                #expect(key["alg"]?.string == "EdDSA")
                #expect(key["use"]?.string == "sig")
                #expect(key["kty"]?.string == "OKP")
                #expect(key["crv"]?.string == "Ed25519")
                #expect(TokenSignature.publicKey(key) != nil)
                #expect(key["d"] == nil)
                #expect(key.keys.isSubset(of: ["kid", "alg", "use", "kty", "crv", "x"]))
            }
        }
    }

    /// An access token's `kid` is published, and its signature verifies with that public key.
    @Test func accessTokenVerifiesWithPublishedKey() async throws {
        try await TestApp.run { api in
            let (_, session) = try await api.loggedInUser("jwks")
            let jwks = try await api.jwks()
            let kid = try #require(try TokenSignature.kid(session.accessToken))
            #expect(try await api.publishedKids().contains(kid))
            #expect(try TokenSignature.verifies(session.accessToken, with: jwks))
        }
    }
}
