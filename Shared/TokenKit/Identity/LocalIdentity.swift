import Foundation

/// A caller whose access token passed local verification: signature and claims checked here,
/// with no call to `auth`. Enough for reads; writes need a ``ConfirmedIdentity``.
public struct LocalIdentity: Sendable {
    /// The verified claims.
    public let claims: AccessTokenClaims
    /// Whether the token came from the `Authorization` header or the access cookie.
    public let transport: TokenTransport
    /// The token itself, for introspection; never logged.
    package let accessToken: String

    package init(claims: AccessTokenClaims, transport: TokenTransport, accessToken: String) {
        self.claims = claims
        self.transport = transport
        self.accessToken = accessToken
    }

    /// The user id (`sub`).
    public var userID: UUID { self.claims.subject }
    /// The session id (`sid`).
    public var sessionID: UUID { self.claims.sessionID }
}

/// How a client carries its tokens: in headers and JSON (mobile, servers) or in cookies (browsers).
public enum TokenTransport: String, Sendable, Codable {
    case bearer
    case cookie
}
