import Foundation

/// What a login or refresh hands to the client, before it is put in a body or in cookies.
struct IssuedTokens: Sendable {
    let accessToken: String
    let accessExpiresIn: Int
    let refreshToken: String
    let refreshExpiresIn: Int
    let sessionID: UUID
    let sessionCreatedAt: Date
    /// The session's CSRF token, for the csrf cookie; nil in bearer transport.
    let csrfToken: String?
}
