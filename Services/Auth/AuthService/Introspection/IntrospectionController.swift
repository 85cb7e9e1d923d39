import Foundation
import Hummingbird
import HummingbirdAuth
import ServiceSupport
import TokenKit

/// `POST /internal/v1/introspect` (RFC 7662) for the resource services, with Basic credentials.
struct IntrospectionController: Sendable {
    let introspection: IntrospectionService
    let clients: BasicCredentialClients

    func addRoutes(to router: some RouterMethods<ServiceRequestContext>) {
        router.post("/internal/v1/introspect", use: self.introspect)
    }

    /// `{"active": true, sub, sid, exp, iat, client_id}` or `{"active": false}`.
    @Sendable func introspect(request: Request, context: ServiceRequestContext) async throws -> Response {
        guard let clientID = self.clients.authenticate(request.headers.basic) else {
            throw BasicCredentialClients.unauthorized()
        }
        let body = try await request.body.collect(upTo: 16 * 1024)
        let form = URLEncodedForm(String(buffer: body))
        guard let token = form["token"], !token.isEmpty else {
            throw Problem.validation(field: "token", "is required")
        }
        return try JSONResponse.make(try await self.introspection.introspect(token: token, clientID: clientID))
    }
}

extension IntrospectionController {
    init(core: AuthCore) {
        self.init(
            introspection: IntrospectionService(verifier: core.verifier, sessions: core.sessions, clock: core.clock),
            clients: core.internalClients
        )
    }
}
