import Foundation
import Hummingbird
import HummingbirdAuth
import ServiceSupport
import TokenKit

/// The admin API on the internal listener, for `ADMIN_CLIENTS` only (introspection credentials get
/// 401 here, as admin credentials do on introspection and the feed). Not routed when no admin client
/// is configured.
struct AdminController: Sendable {
    let admin: AdminService
    let clients: BasicCredentialClients

    func addRoutes(to router: some RouterMethods<ServiceRequestContext>) {
        let group = router.group("/internal/v1/admin").add(middleware: AdminCredentialsMiddleware(clients: self.clients))
        group.get("/accounts", use: self.findAccount)
        group.delete("/accounts/{id}/sessions", use: self.endSessions)
        group.post("/accounts/{id}/lock", use: self.lock)
        group.post("/accounts/{id}/unlock", use: self.unlock)
        group.delete("/sessions", use: self.endAllSessions)
    }

    /// `?email=`: 200 the account and its active sessions, or 404.
    @Sendable func findAccount(request: Request, context: ServiceRequestContext) async throws -> Response {
        guard let email = request.uri.queryParameters.get("email"), !email.isEmpty else {
            throw Problem.validation(field: "email", "is required")
        }
        // PostgreSQL refuses a NUL in text: a 400 naming the field, not a 500 (found by schemathesis).
        var validator = FieldValidator()
        validator.storableText(email, field: "email")
        try validator.validate()
        guard let account = try await self.admin.account(email: email) else { throw Problem.notFound("No account has this e-mail.") }
        return try JSONResponse.make(account)
    }

    /// 204: every session of the account ended.
    @Sendable func endSessions(request: Request, context: ServiceRequestContext) async throws -> Response {
        try await self.act(on: context) { try await self.admin.endSessions(accountID: $0) }
    }

    /// 204: the account is locked and every session of it ended.
    @Sendable func lock(request: Request, context: ServiceRequestContext) async throws -> Response {
        try await self.act(on: context) { try await self.admin.lock(accountID: $0) }
    }

    /// 204: the account may log in again.
    @Sendable func unlock(request: Request, context: ServiceRequestContext) async throws -> Response {
        try await self.act(on: context) { try await self.admin.unlock(accountID: $0) }
    }

    /// 204: every session of every account ended.
    @Sendable func endAllSessions(request: Request, context: ServiceRequestContext) async throws -> Response {
        try await self.admin.endAllSessions()
        return JSONResponse.noContent()
    }

    /// Runs `action` on the `{id}` account: 204, or 404 when the id is malformed or no account has it.
    private func act(on context: ServiceRequestContext, _ action: (UUID) async throws -> Bool) async throws -> Response {
        guard let id = context.parameters.get("id").flatMap(UUID.init(strict:)), try await action(id) else {
            throw Problem.notFound("No account has this id.")
        }
        return JSONResponse.noContent()
    }
}

extension AdminController {
    init(core: AuthCore) {
        self.init(admin: AdminService(core: core), clients: core.adminClients)
    }
}

/// Refuses every request without the Basic credentials of an admin client: 401, problem body only.
struct AdminCredentialsMiddleware: RouterMiddleware {
    typealias Context = ServiceRequestContext
    let clients: BasicCredentialClients

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard self.clients.authenticate(request.headers.basic) != nil else { throw BasicCredentialClients.unauthorized() }
        return try await next(request, context)
    }
}
