import Foundation
import TokenKit

/// What happened to an account, as its owner sees it in `GET /v1/accounts/me/events`.
enum SecurityEventType: String, Sendable, CaseIterable {
    case signedUp = "signed-up"
    case login
    case loginFailed = "login-failed"
    case loginLimited = "login-limited"
    case logout
    case sessionRevoked = "session-revoked"
    case sessionsRevoked = "sessions-revoked"
    /// A refresh token was used twice outside the grace period: a copy was taken, and the session ended.
    case refreshReuse = "refresh-reuse"
    /// A login past `SESSIONS_PER_ACCOUNT_MAX` ended the least recently used session.
    case sessionLimit = "session-limit"
    case passwordChanged = "password-changed"
    case accountLocked = "account-locked"
    case accountUnlocked = "account-unlocked"
    /// An operator ended the account's sessions (one account, or every account with the kill switch).
    case adminRevoked = "admin-revoked"
    case dpopKeyMismatch = "dpop-key-mismatch"
}

/// Where a security event came from: the session it concerns, and the client's address and user
/// agent (nil when an operator acted, or when the event has no request behind it).
struct EventOrigin: Sendable {
    var sessionID: UUID?
    var ip: String?
    var userAgent: String?

    /// No session, no client: an operator's action, or the server's own.
    static let server = EventOrigin()

    /// The same client, about `sessionID`.
    func with(sessionID: UUID) -> EventOrigin {
        EventOrigin(sessionID: sessionID, ip: self.ip, userAgent: self.userAgent)
    }
}

/// One stored event.
struct SecurityEvent: Sendable {
    let id: Int64
    let type: String
    let at: Date
    let sessionID: UUID?
    let ip: String?
    let userAgent: String?
}

/// The opaque `cursor` of the events list: the id of the last event of the page before.
enum SecurityEventCursor {
    static func encode(id: Int64) -> String {
        Base64URL.encode(Array("e\(id)".utf8))
    }

    /// The position, or nil when the cursor was not made by ``encode(id:)``.
    static func decode(_ cursor: String) -> Int64? {
        guard let bytes = Base64URL.decode(cursor), bytes.first == UInt8(ascii: "e"),
            let id = Int64(String(decoding: bytes.dropFirst(), as: UTF8.self)), id > 0
        else { return nil }
        return id
    }
}
