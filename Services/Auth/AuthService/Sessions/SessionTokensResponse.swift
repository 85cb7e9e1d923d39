import Foundation
import ServiceSupport

/// The body of login and refresh. In cookie transport the tokens themselves are left out.
struct SessionTokensResponse: Encodable, Sendable {
    /// `{id, created_at}` of the session.
    struct Session: Encodable, Sendable {
        let id: String
        let createdAt: Date

        enum CodingKeys: String, CodingKey {
            case id
            case createdAt = "created_at"
        }
    }

    let accessToken: String?
    let tokenType: String?
    let expiresIn: Int
    let refreshToken: String?
    let refreshExpiresIn: Int
    let session: Session

    init(_ tokens: IssuedTokens, includeTokens: Bool) {
        self.accessToken = includeTokens ? tokens.accessToken : nil
        self.tokenType = includeTokens ? "Bearer" : nil
        self.expiresIn = tokens.accessExpiresIn
        self.refreshToken = includeTokens ? tokens.refreshToken : nil
        self.refreshExpiresIn = tokens.refreshExpiresIn
        self.session = Session(id: tokens.sessionID.lowercased, createdAt: tokens.sessionCreatedAt)
    }

    enum CodingKeys: String, CodingKey {
        case accessToken = "access_token"
        case tokenType = "token_type"
        case expiresIn = "expires_in"
        case refreshToken = "refresh_token"
        case refreshExpiresIn = "refresh_expires_in"
        case session
    }
}
