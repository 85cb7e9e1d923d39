import Hummingbird
import ServiceSupport
import TokenKit

/// `POST /v1/sessions/reissue`: the optional self-reissuing access token (404 when switched off).
struct ReissueController: Sendable {
    let reissue: ReissueService
    let responses: TokenResponses
    let policy: SessionPolicy

    func addRoutes(to router: some RouterMethods<ServiceRequestContext>) {
        router.post("/v1/sessions/reissue", use: self.reissueToken)
    }

    /// A new access token for a recent (even expired) genuine one whose session is active.
    @Sendable func reissueToken(request: Request, context: ServiceRequestContext) async throws -> Response {
        guard self.policy.selfReissueWindow > 0 else { throw Problem.notFound() }
        guard let presented = PresentedAccessToken(request: request, cookieName: self.responses.cookies.names.access) else {
            throw BearerChallenge.missingTokenProblem()
        }
        let csrf = presented.transport == .cookie ? CSRFEvidence(request: request, cookieNames: self.responses.cookies.names) : nil
        let token = try await self.reissue.reissue(presented, csrf: csrf)
        return try self.responses.reissued(token, expiresIn: self.policy.accessTokenTTL, transport: presented.transport)
    }
}
