import Hummingbird
import HummingbirdAuth
import Logging
import Metrics
import TokenKit

/// Verifies the request's access token locally and records the caller as a `LocalIdentity` (TokenKit).
///
/// A request without a token passes through without an identity (the route's context then
/// answers 401 `token-missing`); a request with a bad token is refused with 401 and an RFC 6750
/// challenge. A cookie-authenticated POST, PUT, PATCH or DELETE must also pass the CSRF rule,
/// checked against the token's `csrf` claim. A session the revocation feed reported is refused
/// with 401 `session-ended`. No call to `auth` is made.
public struct AccessTokenAuthenticator<Context: IdentityRequestContext>: AuthenticatorMiddleware {
    public typealias Identity = LocalIdentity

    private let verifier: AccessTokenVerifier
    private let cookieNames: TokenCookieNames
    private let revokedSessions: RevokedSessions?

    /// - Parameters:
    ///   - verifier: the strict verifier, with this service's policy and the published keys.
    ///   - cookieNames: the cookie names of this service's `COOKIE_SECURE` setting; only those are read.
    ///   - revokedSessions: sessions the revocation feed reported; their tokens are refused
    ///     with 401 `session-ended` although they verify. Nil where no feed is kept (auth itself).
    public init(verifier: AccessTokenVerifier, cookieNames: TokenCookieNames, revokedSessions: RevokedSessions? = nil) {
        self.verifier = verifier
        self.cookieNames = cookieNames
        self.revokedSessions = revokedSessions
    }

    public func authenticate(request: Request, context: Context) async throws -> LocalIdentity? {
        guard let presented = PresentedAccessToken(request: request, cookieName: self.cookieNames.access) else {
            return nil
        }
        let claims: AccessTokenClaims
        do {
            claims = try await self.verifier.verify(presented.token)
        } catch {
            TokenMetrics.recordVerification(error.label)
            context.logger.info("Access token refused", metadata: ["token.result": .string(error.label)])
            throw AccessDenied.tokenRejected(error)
        }
        if let revokedSessions = self.revokedSessions, revokedSessions.contains(claims.sessionID) {
            TokenMetrics.recordVerification(InvalidTokenReason.sessionRevoked.rawValue)
            throw AccessDenied.sessionEnded
        }
        TokenMetrics.recordVerification("valid")
        if presented.transport == .cookie, CSRFProtection.isUnsafe(request.method) {
            try CSRFProtection.check(request, cookieName: self.cookieNames.csrf, expectedHash: claims.csrfHash)
        }
        return LocalIdentity(claims: claims, transport: presented.transport, accessToken: presented.token)
    }
}
