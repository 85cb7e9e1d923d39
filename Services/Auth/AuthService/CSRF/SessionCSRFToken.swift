import Crypto
import Foundation
import TokenKit
import TokenKitHummingbird

/// Derives each cookie-mode session's CSRF token from the session id and a server secret.
///
/// Deriving (rather than storing) it lets every refresh and retry set the same csrf cookie again,
/// while the database keeps only its SHA-256, as the contract asks.
struct SessionCSRFToken: Sendable {
    private let key: SymmetricKey

    init(key: SymmetricKey) {
        self.key = key
    }

    /// The token the csrf cookie carries.
    func token(for sessionID: UUID) -> String {
        let message = Array("csrf".utf8) + withUnsafeBytes(of: sessionID.uuid) { Array($0) }
        return Base64URL.encode(Array(HMAC<SHA256>.authenticationCode(for: message, using: self.key)))
    }

    /// The hash stored with the session and carried in the `csrf` claim.
    func hash(for sessionID: UUID) -> String {
        CSRFProtection.hash(of: self.token(for: sessionID))
    }
}
