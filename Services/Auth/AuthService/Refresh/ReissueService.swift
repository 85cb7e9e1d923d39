import Foundation
import Logging
import PostgresNIO
import TokenKit
import TokenKitHummingbird

/// The single self-reissuing token pattern, when `SELF_REISSUE_WINDOW_SECONDS` > 0: a genuine
/// access token, even expired, whose `iat` is within the window and whose session is active,
/// is exchanged for a new access token of the same session.
struct ReissueService: Sendable {
    let verifier: AccessTokenVerifier
    let client: PostgresClient
    let sessions: SessionRepository
    let issuer: TokenIssuer
    let policy: SessionPolicy
    let clock: AuthClock
    let logger: Logger

    /// A new access token for the session of `presented`.
    func reissue(_ presented: PresentedAccessToken, csrf: CSRFEvidence?) async throws -> String {
        let claims: AccessTokenClaims
        do {
            claims = try await self.verifier.verify(presented.token, allowingExpired: true)
        } catch {
            throw AccessDenied.tokenRejected(error)
        }
        let now = self.clock.epochSeconds
        guard now - claims.issuedAt <= Int64(self.policy.selfReissueWindow) else {
            throw AccessDenied.tokenRejected(.expired)
        }
        let active = try await self.client.withTransaction(logger: self.logger) { connection in
            guard var session = try await self.sessions.lockForUpdate(id: claims.sessionID, on: connection),
                session.accountID == claims.subject
            else { return ReissueCheck.ended }
            if let csrf, !csrf.matches(storedHash: session.csrfHash) { return .csrfFailed }
            let date = self.clock.now()
            guard session.isActive(at: date) else { return .ended }
            session.lastUsedAt = date
            session.idleExpiresAt = date.addingTimeInterval(self.policy.refreshIdleTTL)
            try await self.sessions.touch(session, on: connection)
            return .active(csrfHash: session.csrfHash)
        }
        switch active {
        case .ended: throw AccessDenied.sessionEnded
        case .csrfFailed: throw AccessDenied.csrfFailed
        case .active(let csrfHash):
            return try await self.issuer.accessToken(
                accountID: claims.subject,
                sessionID: claims.sessionID,
                csrfHash: presented.transport == .cookie ? csrfHash : nil
            )
        }
    }

    /// The session check's result.
    enum ReissueCheck {
        /// Active: the session's stored CSRF hash goes into a cookie-mode token.
        case active(csrfHash: String)
        case ended
        case csrfFailed
    }
}
