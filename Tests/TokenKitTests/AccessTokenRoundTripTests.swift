import Foundation
import TestSupport
import Testing
import TokenKit
import TokenKitHummingbird

/// Tokens minted by ``AccessTokenSigner`` verify and keep the contract's shape.
@Suite("Access token round trip")
struct AccessTokenRoundTripTests {
    let factory = TokenForge()

    /// A signed token verifies and yields the very claims it was signed with.
    @Test(arguments: [nil, CSRFProtection.hash(of: "csrf-token-value")])
    func verifiesSignedClaims(csrfHash: String?) async throws {
        let claims = TokenForge.accessTokenClaims(csrfHash: csrfHash)
        let token = try await AccessTokenSigner(key: self.factory.signingKey).sign(claims)
        let verifier = TokenForge.verifier(keys: StaticKeyProvider(self.factory.verificationKey))

        let verified = try await verifier.verify(token)

        #expect(verified == claims)
    }

    /// A signed token stays under 1 KB, even with a csrf claim.
    @Test func staysSmall() async throws {
        let claims = TokenForge.accessTokenClaims(csrfHash: CSRFProtection.hash(of: "csrf-token-value"))
        let token = try await AccessTokenSigner(key: self.factory.signingKey).sign(claims)

        #expect(token.utf8.count < 1024)
    }

    /// The header holds exactly `alg` EdDSA, `typ` at+jwt and the signer's `kid`.
    @Test func headerHasExactlyThreeFields() async throws {
        let signer = await AccessTokenSigner(key: self.factory.signingKey)
        let token = try await signer.sign(TokenForge.accessTokenClaims())
        let header = try TokenForge.decodeSegment(token.split(separator: ".")[0])

        #expect(Set(header.keys) == ["alg", "typ", "kid"])
        #expect(header["alg"] as? String == "EdDSA")
        #expect(header["typ"] as? String == "at+jwt")
        #expect(header["kid"] as? String == self.factory.kid)
        #expect(signer.kid == self.factory.kid)
    }

    /// The payload holds only the contract's claims, with whole-second times and `aud` as an array.
    @Test func payloadHasOnlyContractClaims() async throws {
        let token = try await AccessTokenSigner(key: self.factory.signingKey).sign(TokenForge.accessTokenClaims())
        let payload = try TokenForge.decodeSegment(token.split(separator: ".")[1])

        #expect(Set(payload.keys) == ["iss", "aud", "sub", "sid", "jti", "iat", "nbf", "exp", "client_id"])
        #expect(payload["aud"] as? [String] == ["notes", "profile"])
        let segment = String(decoding: try #require(Base64URL.decode(token.split(separator: ".")[1])), as: UTF8.self)
        #expect(segment.contains("\"exp\":\(TokenForge.now + 300)"))
        #expect(!segment.contains("\(TokenForge.now + 300)."))
    }

    /// A token hand-crafted by the test factory verifies too, so the attack tests start from a good token.
    @Test func factoryTokenVerifies() async throws {
        let verifier = TokenForge.verifier(keys: StaticKeyProvider(self.factory.verificationKey))

        let claims = try await verifier.verify(self.factory.token())

        #expect(claims.issuer == TokenForge.issuer)
        #expect(claims.expiresAt == TokenForge.now + 300)
        #expect(claims.csrfHash == nil)
    }
}
