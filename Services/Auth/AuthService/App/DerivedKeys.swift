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
