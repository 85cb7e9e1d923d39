import Hummingbird
import ServiceSupport
import TokenKit
import TokenKitHummingbird

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
            throw AccessDenied.tokenMissing
        }
        let csrf = presented.transport == .cookie ? CSRFEvidence(request: request, cookieNames: self.responses.cookies.names) : nil
        let token = try await self.reissue.reissue(presented, csrf: csrf)
        return try self.responses.reissued(token, expiresIn: self.policy.accessTokenTTL, transport: presented.transport)
    }
}

/// `{access_token, token_type, expires_in}`; in cookie transport only `expires_in`.
struct ReissueResponse: Encodable, Sendable {
    let accessToken: String?
    let tokenType: String?
    let expiresIn: Int

    enum CodingKeys: String, CodingKey {
        case accessToken = "access_token"
        case tokenType = "token_type"
        case expiresIn = "expires_in"
    }
}

extension ReissueController {
    init(core: AuthCore) {
        self.init(
            reissue: ReissueService(
                verifier: core.verifier,
                client: core.postgres,
                sessions: core.sessions,
                issuer: core.issuer,
                policy: core.policy,
                clock: core.clock,
                logger: core.logger
            ),
            responses: core.responses,
            policy: core.policy
        )
    }
}
