import Crypto
import Foundation

/// An Ed25519 private key with its key id, used by `auth` to sign access tokens.
public struct SigningKey: Sendable {
    /// The key id: the RFC 7638 thumbprint of the public key.
    public let kid: String
    /// The private key. Never logged, never leaves `auth` unencrypted.
    public let privateKey: Curve25519.Signing.PrivateKey

    /// Creates a fresh random key.
    public static func generate() -> SigningKey {
        let privateKey = Curve25519.Signing.PrivateKey()
        return SigningKey(privateKey: privateKey)
    }

    /// Restores a key from its raw 32 bytes.
    public init(rawPrivateKey: some ContiguousBytes) throws {
        self.init(privateKey: try Curve25519.Signing.PrivateKey(rawRepresentation: rawPrivateKey))
    }

    init(privateKey: Curve25519.Signing.PrivateKey) {
        self.privateKey = privateKey
        self.kid = VerificationKey.thumbprint(of: privateKey.publicKey)
    }

    /// The public half, as published in the JWKS.
    public var verificationKey: VerificationKey {
        VerificationKey(kid: self.kid, publicKey: self.privateKey.publicKey)
    }
}
