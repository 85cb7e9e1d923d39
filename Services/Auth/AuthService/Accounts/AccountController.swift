import Hummingbird
import ServiceSupport
import TokenKit
import TokenKitHummingbird

/// `POST /v1/accounts` (sign up), `PUT /v1/accounts/me/password` (change password) and
/// `DELETE /v1/accounts/me` (delete the account).
struct AccountController: Sendable {
    let accounts: AccountService
    let addresses: ClientAddressResolver
    let responses: TokenResponses

    func addRoutes(
        to router: some RouterMethods<ServiceRequestContext>,
        confirmed: RouterGroup<ConfirmedRequestContext<ServiceRequestContext>>
    ) {
        router.post("/v1/accounts", use: self.signUp)
        confirmed.put("/v1/accounts/me/password", use: self.changePassword)
        confirmed.delete("/v1/accounts/me", use: self.deleteAccount)
    }

    /// Creates an account: 201 `{id, email, created_at}`, 409 when the e-mail is taken.
    @Sendable func signUp(request: Request, context: ServiceRequestContext) async throws -> Response {
        let body = try await request.decodeJSON(as: CredentialsRequest.self, context: context)
        let email = EmailAddress.normalize(body.email)
        var validator = FieldValidator()
        validator.require(EmailAddress.isValid(email), field: "email", "must be an e-mail address")
        validator.storableText(email, field: "email")
        PasswordRules.check(body.password, field: "password", in: &validator)
        try validator.validate()
        let origin = self.addresses.origin(of: request, peer: context.remoteAddress)
        let account = try await self.accounts.signUp(email: email, password: body.password, origin: origin)
        return try JSONResponse.make(AccountResponse(account), status: .created)
    }

    /// Changes the caller's password and revokes every other session: 204.
    @Sendable func changePassword(request: Request, context: ConfirmedRequestContext<ServiceRequestContext>) async throws -> Response {
        let body = try await request.decodeJSON(as: PasswordChangeRequest.self, context: context)
        var validator = FieldValidator()
        validator.require(!body.currentPassword.isEmpty, field: "current_password", "is required")
        PasswordRules.check(body.newPassword, field: "new_password", in: &validator)
        try validator.validate()
        try await self.accounts.changePassword(
            accountID: context.identity.userID,
            current: body.currentPassword,
            new: body.newPassword,
            origin: self.addresses.origin(of: request, peer: context.remoteAddress, sessionID: context.identity.sessionID)
        )
        return JSONResponse.noContent()
    }

    /// Deletes the caller's account after checking `current_password`: 204, clearing the cookies.
    @Sendable func deleteAccount(request: Request, context: ConfirmedRequestContext<ServiceRequestContext>) async throws -> Response {
        let body = try await request.decodeJSON(as: AccountDeletionRequest.self, context: context)
        var validator = FieldValidator()
        validator.require(!body.currentPassword.isEmpty, field: "current_password", "is required")
        validator.length(of: body.currentPassword, field: "current_password", in: 0...1024)
        try validator.validate()
        try await self.accounts.deleteAccount(
            accountID: context.identity.userID,
            current: body.currentPassword,
            origin: self.addresses.origin(of: request, peer: context.remoteAddress, sessionID: context.identity.sessionID)
        )
        return self.responses.noContentClearingCookies()
    }
}

/// `{email, password}`: the body of sign-up and login.
struct CredentialsRequest: Decodable, Sendable {
    let email: String
    let password: String
}

/// `{current_password, new_password}`.
struct PasswordChangeRequest: Decodable, Sendable {
    let currentPassword: String
    let newPassword: String

    enum CodingKeys: String, CodingKey {
        case currentPassword = "current_password"
        case newPassword = "new_password"
    }
}

/// `{current_password}`.
struct AccountDeletionRequest: Decodable, Sendable {
    let currentPassword: String

    enum CodingKeys: String, CodingKey {
        case currentPassword = "current_password"
    }
}

extension AccountController {
    init(core: AuthCore) {
        self.init(
            accounts: AccountService(
                client: core.postgres,
                accounts: core.accounts,
                revocations: core.revocations,
                events: core.events,
                hasher: core.hasher,
                throttle: core.limits.logins,
                signUps: core.limits.signUps,
                clock: core.clock,
                logger: core.logger
            ),
            addresses: core.addresses,
            responses: core.responses
        )
    }
}
