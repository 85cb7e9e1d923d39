import Crypto
import Foundation
import TokenKit

/// Encrypts signing keys for storage (AES-256-GCM, the key id as associated data) so the database
/// alone never yields a key that can sign.
///
/// During a secret rotation it also opens what the previous secret sealed; ``SigningKeyRing``
/// re-seals those keys with the current secret at start.
struct SigningKeySealer: Sendable {
    private let key: SymmetricKey
    private let previousKey: SymmetricKey?

    init(key: SymmetricKey, previousKey: SymmetricKey? = nil) {
        self.key = key
        self.previousKey = previousKey
    }

    func seal(_ signingKey: SigningKey) throws -> [UInt8] {
        let box = try AES.GCM.seal(signingKey.privateKey.rawRepresentation, using: self.key, authenticating: Array(signingKey.kid.utf8))
        guard let combined = box.combined else { throw CryptoKitError.incorrectParameterSize }
        return Array(combined)
    }

    func open(_ sealed: [UInt8], kid: String) throws -> SigningKey {
        try self.openNoting(sealed, kid: kid).key
    }

    /// Opens a sealed key and says whether the previous secret sealed it (so it should be re-sealed).
    func openNoting(_ sealed: [UInt8], kid: String) throws -> (key: SigningKey, sealedWithPrevious: Bool) {
        let box = try AES.GCM.SealedBox(combined: sealed)
        let raw: Data
        var sealedWithPrevious = false
        do {
            raw = try AES.GCM.open(box, using: self.key, authenticating: Array(kid.utf8))
        } catch {
            guard let previousKey = self.previousKey else { throw error }
            raw = try AES.GCM.open(box, using: previousKey, authenticating: Array(kid.utf8))
            sealedWithPrevious = true
        }
        let key = try SigningKey(rawPrivateKey: raw)
        guard key.kid == kid else { throw CryptoKitError.authenticationFailure }
        return (key, sealedWithPrevious)
    }
}
