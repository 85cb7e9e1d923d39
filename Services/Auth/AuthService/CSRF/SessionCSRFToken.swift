import Crypto
import Foundation
import TokenKit
import TokenKitHummingbird

/// Derives each cookie-mode session's CSRF token from the session id and a server secret.
///
/// Deriving (rather than storing) it lets every refresh and retry set the same csrf cookie again,
/// while the database keeps only its SHA-256, as the contract asks.
///
/// A session keeps the token it was made with for its whole life: after a secret rotation, a session
/// from before it keeps the previous secret's token (``token(for:matching:)``), so its browser's csrf
/// cookie and the stored hash never part.
struct SessionCSRFToken: Sendable {
    private let key: SymmetricKey
    private let previousKey: SymmetricKey?

    init(key: SymmetricKey, previousKey: SymmetricKey? = nil) {
        self.key = key
        self.previousKey = previousKey
    }

    /// The token of a new session's csrf cookie.
    func token(for sessionID: UUID) -> String {
        Self.token(for: sessionID, key: self.key)
    }

    /// The token of an existing session: the one whose hash is stored with it (made with the current
    /// secret, or with the previous one before a rotation).
    func token(for sessionID: UUID, matching storedHash: String) -> String {
        let current = self.token(for: sessionID)
        guard let previousKey, CSRFProtection.hash(of: current) != storedHash else { return current }
        let previous = Self.token(for: sessionID, key: previousKey)
        return CSRFProtection.hash(of: previous) == storedHash ? previous : current
    }

    private static func token(for sessionID: UUID, key: SymmetricKey) -> String {
        let message = Array("csrf".utf8) + withUnsafeBytes(of: sessionID.uuid) { Array($0) }
        return Base64URL.encode(Array(HMAC<SHA256>.authenticationCode(for: message, using: key)))
    }

    /// The hash stored with the session and carried in the `csrf` claim.
    func hash(for sessionID: UUID) -> String {
        CSRFProtection.hash(of: self.token(for: sessionID))
    }
}
