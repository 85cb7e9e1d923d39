import Foundation
import TokenKit

/// Mints access tokens with the active signing key, and re-encodes a session's current refresh token.
struct TokenIssuer: Sendable {
    let ring: SigningKeyRing
    let refreshTokens: RefreshTokenCodec
    let csrfTokens: SessionCSRFToken
    let issuer: String
    let audience: [String]
    let policy: SessionPolicy
    let clock: AuthClock

    /// A new access token for the session; cookie-mode tokens carry the session's stored `csrf` hash
    /// (pass nil in bearer transport).
    func accessToken(accountID: UUID, sessionID: UUID, csrfHash: String?) async throws -> String {
        let now = self.clock.epochSeconds
        let claims = AccessTokenClaims(
            issuer: self.issuer,
            audience: self.audience,
            subject: accountID,
            sessionID: sessionID,
            tokenID: UUID(),
            issuedAt: now,
            notBefore: now,
            expiresAt: now + Int64(self.policy.accessTokenTTL),
            // RFC 9068's client_id: the kind of client, which the transport tells (cookies are the browser's).
            clientID: csrfHash == nil ? "native" : "web",
            csrfHash: csrfHash
        )
        return try await self.ring.currentSigner().sign(claims)
    }

    /// A fresh access token plus the session's current refresh token.
    func tokens(for session: SessionRecord, transport: TokenTransport) async throws -> IssuedTokens {
        let cookies = transport == .cookie
        let accessToken = try await self.accessToken(
            accountID: session.accountID,
            sessionID: session.id,
            csrfHash: cookies ? session.csrfHash : nil
        )
        let refreshExpiresIn = Int(session.refreshExpiresAt.timeIntervalSince(self.clock.now()).rounded(.down))
        return IssuedTokens(
            accessToken: accessToken,
            accessExpiresIn: self.policy.accessTokenTTL,
            refreshToken: self.refreshTokens.encode(sessionID: session.id, generation: session.refreshGeneration),
            refreshExpiresIn: max(refreshExpiresIn, 0),
            sessionID: session.id,
            sessionCreatedAt: session.createdAt,
            csrfToken: cookies ? self.csrfTokens.token(for: session.id, matching: session.csrfHash) : nil
        )
    }
}

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
