import Crypto
import Foundation
import TokenKit

/// Encrypts signing keys for storage (AES-256-GCM, the key id as associated data) so the database
/// alone never yields a key that can sign.
struct SigningKeySealer: Sendable {
    private let key: SymmetricKey

    init(key: SymmetricKey) {
        self.key = key
    }

    func seal(_ signingKey: SigningKey) throws -> [UInt8] {
        let box = try AES.GCM.seal(signingKey.privateKey.rawRepresentation, using: self.key, authenticating: Array(signingKey.kid.utf8))
        guard let combined = box.combined else { throw CryptoKitError.incorrectParameterSize }
        return Array(combined)
    }

    func open(_ sealed: [UInt8], kid: String) throws -> SigningKey {
        let box = try AES.GCM.SealedBox(combined: sealed)
        let raw = try AES.GCM.open(box, using: self.key, authenticating: Array(kid.utf8))
        let key = try SigningKey(rawPrivateKey: raw)
        guard key.kid == kid else { throw CryptoKitError.authenticationFailure }
        return key
    }
}
