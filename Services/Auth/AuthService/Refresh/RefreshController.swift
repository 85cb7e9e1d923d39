import Hummingbird
import ServiceSupport
import TokenKit
import TokenKitHummingbird

/// `POST /v1/sessions/refresh`: refresh-token rotation, by body (bearer clients) or by cookie.
struct RefreshController: Sendable {
    let refresh: RefreshService
    let responses: TokenResponses
    let addresses: ClientAddressResolver

    func addRoutes(to router: some RouterMethods<ServiceRequestContext>) {
        router.post("/v1/sessions/refresh", use: self.rotate)
    }

    /// Rotates the refresh token from the body, else from the refresh cookie (cookie answers in cookies).
    @Sendable func rotate(request: Request, context: ServiceRequestContext) async throws -> Response {
        let body = try await request.decodeJSON(as: RefreshRequest.self, context: context, emptyBody: RefreshRequest(refreshToken: nil))
        let cookieToken = request.cookies[self.responses.cookies.names.refresh]?.value
        guard let token = body.refreshToken ?? cookieToken, !token.isEmpty else {
            throw Problem(.refreshTokenInvalid, detail: "No refresh token was presented; log in.")
        }
        let byCookie = body.refreshToken == nil
        let transport = byCookie ? .cookie : TokenResponses.requestedTransport(request)
        let csrf = byCookie ? CSRFEvidence(request: request, cookieNames: self.responses.cookies.names) : nil
        do {
            let origin = self.addresses.origin(of: request, peer: context.remoteAddress)
            let tokens = try await self.refresh.refresh(token: token, csrf: csrf, transport: transport, origin: origin)
            return try self.responses.session(tokens, transport: transport, status: .ok)
        } catch let problem as Problem where problem.type == .sessionEnded {
            throw self.responses.clearingCookies(problem)
        }
    }
}

/// The body of a refresh: the token, or nothing when it comes by cookie.
struct RefreshRequest: Decodable, Sendable {
    let refreshToken: String?

    enum CodingKeys: String, CodingKey {
        case refreshToken = "refresh_token"
    }
}

extension RefreshController {
    init(core: AuthCore) {
        self.init(
            refresh: RefreshService(
                client: core.postgres,
                sessions: core.sessions,
                revocations: core.revocations,
                codec: core.refreshTokens,
                events: core.events,
                issuer: core.issuer,
                policy: core.policy,
                clock: core.clock,
                logger: core.logger
            ),
            responses: core.responses,
            addresses: core.addresses
        )
    }
}
