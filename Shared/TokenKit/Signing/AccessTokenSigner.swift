import Crypto
import JWTKit

/// Signs access-token claims with one Ed25519 key, through jwt-kit.
///
/// The header is always `{"alg": "EdDSA", "typ": "at+jwt", "kid": …}`.
public struct AccessTokenSigner: Sendable {
    /// The id of the key this signer uses.
    public let kid: String
    private let keys: JWTKeyCollection

    public init(key: SigningKey) async {
        self.kid = key.kid
        self.keys = JWTKeyCollection()
        // Written with the encoder the fast claims reader expects (see CompactJSON.encoder()); the key's
        // own serializer is the one `sign` uses, not the collection's default.
        await self.keys.add(
            eddsa: EdDSA.PrivateKey(backing: key.privateKey),
            kid: JWKIdentifier(string: key.kid),
            serializer: DefaultJWTSerializer(jsonEncoder: CompactJSON.encoder())
        )
    }

    /// Returns the compact JWS of `claims`.
    public func sign(_ claims: AccessTokenClaims) async throws -> String {
        let header: JWTHeader = [
            "alg": .string(AccessTokenHeader.algorithm),
            "typ": .string(AccessTokenHeader.type),
            "kid": .string(self.kid),
        ]
        return try await self.keys.sign(claims, kid: JWKIdentifier(string: self.kid), header: header)
    }
}
