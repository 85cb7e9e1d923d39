import Foundation
import Hummingbird
import ServiceSupport
import TokenKit
import TokenKitHummingbird

/// Login, the sessions list, logout and revocations under `/v1/sessions` (refresh has a folder of its own).
struct SessionController: Sendable {
    let login: LoginService
    let revocation: SessionRevocationService
    let sessions: SessionRepository
    let responses: TokenResponses
    let addresses: ClientAddressResolver
    let clock: AuthClock

    func addRoutes(
        to router: some RouterMethods<ServiceRequestContext>,
        confirmed: RouterGroup<ConfirmedRequestContext<ServiceRequestContext>>
    ) {
        router.post("/v1/sessions", use: self.create)
        confirmed.get("/v1/sessions", use: self.list)
        confirmed.delete("/v1/sessions/current", use: self.logout)
        confirmed.delete("/v1/sessions/{id}", use: self.revokeOne)
        confirmed.delete("/v1/sessions", use: self.revokeAll)
    }

    /// Logs in: 201 with tokens in the body, or as cookies with `Token-Transport: cookie`.
    @Sendable func create(request: Request, context: ServiceRequestContext) async throws -> Response {
        let body = try await request.decodeJSON(as: CredentialsRequest.self, context: context)
        let email = EmailAddress.normalize(body.email)
        var validator = FieldValidator()
        validator.require(!email.isEmpty, field: "email", "is required")
        validator.length(of: email, field: "email", in: 1...254)
        validator.storableText(email, field: "email")
        validator.require(!body.password.isEmpty, field: "password", "is required")
        validator.length(of: body.password, field: "password", in: 1...1024)
        try validator.validate()
        let origin = self.addresses.origin(of: request, peer: context.remoteAddress)
        let transport = TokenResponses.requestedTransport(request)
        let tokens = try await self.login.login(email: email, password: body.password, origin: origin, transport: transport)
        return try self.responses.session(tokens, transport: transport, status: .created)
    }

    /// The caller's active sessions, the current one marked.
    @Sendable func list(request: Request, context: ConfirmedRequestContext<ServiceRequestContext>) async throws -> Response {
        let sessions = try await self.sessions.listActive(accountID: context.identity.userID, now: self.clock.now())
        let items = sessions.map { SessionListResponse.Item($0, currentSessionID: context.identity.sessionID) }
        return try JSONResponse.make(SessionListResponse(items: items))
    }

    /// Logs out this session and clears the cookies: 204.
    @Sendable func logout(request: Request, context: ConfirmedRequestContext<ServiceRequestContext>) async throws -> Response {
        let identity = context.identity
        if identity.local.transport == .cookie {
            let evidence = CSRFEvidence(request: request, cookieNames: self.responses.cookies.names)
            guard let session = try await self.sessions.find(id: identity.sessionID), evidence.matches(storedHash: session.csrfHash) else {
                throw AccessDenied.csrfFailed
            }
        }
        let origin = self.addresses.origin(of: request, peer: context.remoteAddress, sessionID: identity.sessionID)
        _ = try await self.revocation.revoke(sessionID: identity.sessionID, ownedBy: identity.userID, reason: .logout, origin: origin)
        return self.responses.noContentClearingCookies()
    }

    /// Revokes one of the caller's own sessions: 204, or 404 when it is not one of theirs.
    @Sendable func revokeOne(request: Request, context: ConfirmedRequestContext<ServiceRequestContext>) async throws -> Response {
        guard let id = context.parameters.get("id").flatMap(UUID.init(strict:)),
            try await self.revocation.revoke(
                sessionID: id,
                ownedBy: context.identity.userID,
                reason: .revokedByUser,
                origin: self.addresses.origin(of: request, peer: context.remoteAddress, sessionID: id)
            )
        else {
            throw Problem.notFound("No active session of yours has this id.")
        }
        return id == context.identity.sessionID ? self.responses.noContentClearingCookies() : JSONResponse.noContent()
    }

    /// Revokes all the caller's sessions, or all but this one with `?keep_current=true`: 204.
    @Sendable func revokeAll(request: Request, context: ConfirmedRequestContext<ServiceRequestContext>) async throws -> Response {
        let keepCurrent: Bool
        switch request.uri.queryParameters.get("keep_current") {
        case nil, "false": keepCurrent = false
        case "true": keepCurrent = true
        default: throw Problem.validation(field: "keep_current", "must be true or false")
        }
        let identity = context.identity
        _ = try await self.revocation.revokeAll(
            accountID: identity.userID,
            keeping: keepCurrent ? identity.sessionID : nil,
            reason: .revokedAll,
            origin: self.addresses.origin(of: request, peer: context.remoteAddress, sessionID: identity.sessionID)
        )
        return keepCurrent ? JSONResponse.noContent() : self.responses.noContentClearingCookies()
    }
}

extension SessionController {
    init(core: AuthCore) {
        self.init(
            login: LoginService(
                accounts: core.accounts,
                sessions: core.sessions,
                throttle: core.limits.logins,
                hasher: core.hasher,
                dummyHash: core.dummyHash,
                issuer: core.issuer,
                csrfTokens: core.csrfTokens,
                policy: core.policy,
                events: core.events,
                cap: core.sessionCap,
                clock: core.clock,
                logger: core.logger
            ),
            revocation: SessionRevocationService(
                client: core.postgres,
                revocations: core.revocations,
                accounts: core.accounts,
                events: core.events,
                clock: core.clock,
                logger: core.logger
            ),
            sessions: core.sessions,
            responses: core.responses,
            addresses: core.addresses,
            clock: core.clock
        )
    }
}
