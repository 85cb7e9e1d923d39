import Foundation
import TokenKit

/// Answers whether an access token is active: genuine, unexpired, and its session active in the database.
struct IntrospectionService: Sendable {
    let verifier: AccessTokenVerifier
    let sessions: SessionRepository
    let clock: AuthClock

    func introspect(token: String, clientID: String) async throws -> IntrospectionResult {
        guard let claims = try? await self.verifier.verify(token),
            let session = try await self.sessions.find(id: claims.sessionID),
            session.accountID == claims.subject,
            session.isActive(at: self.clock.now())
        else { return .inactive }
        return IntrospectionResult(
            active: true,
            sub: claims.subject,
            sid: claims.sessionID,
            exp: claims.expiresAt,
            iat: claims.issuedAt,
            clientID: clientID
        )
    }
}
