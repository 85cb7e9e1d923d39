import Crypto
import Foundation

/// The purpose-bound keys derived from `AUTH_SECRET_KEY` with HKDF-SHA256, so that no key serves
/// two purposes and the secret itself is never used directly.
struct DerivedKeys: Sendable {
    /// MACs refresh tokens.
    let refreshToken: SymmetricKey
    /// Derives each session's CSRF token.
    let csrf: SymmetricKey
    /// Seals signing keys at rest (AES-GCM).
    let signingKeySeal: SymmetricKey

    init(secret: [UInt8]) {
        let master = SymmetricKey(data: secret)
        func derive(_ purpose: String) -> SymmetricKey {
            HKDF<SHA256>.deriveKey(
                inputKeyMaterial: master,
                salt: Array("latchkey".utf8),
                info: Array(purpose.utf8),
                outputByteCount: 32
            )
        }
        self.refreshToken = derive("refresh-token-mac v1")
        self.csrf = derive("csrf-token v1")
        self.signingKeySeal = derive("signing-key-seal v1")
    }
}

/// The keys of `AUTH_SECRET_KEY` and, during a rotation, of `AUTH_SECRET_KEY_PREVIOUS`.
///
/// New things are always made with ``current``; what arrives is checked against the current keys
/// first and the previous ones second, so a secret rotation logs nobody out: refresh tokens, sealed
/// signing keys, and the CSRF token a session from before the rotation keeps for its whole life.
struct SecretKeys: Sendable {
    let current: DerivedKeys
    let previous: DerivedKeys?

    init(secret: [UInt8], previous: [UInt8]?) {
        self.current = DerivedKeys(secret: secret)
        self.previous = previous.map { DerivedKeys(secret: $0) }
    }
}
