import Hummingbird
import ServiceSupport
import TokenKit
import TokenKitHummingbird

/// `POST /v1/accounts` (sign up) and `PUT /v1/accounts/me/password` (change password).
struct AccountController: Sendable {
    let accounts: AccountService
    let addresses: ClientAddressResolver

    func addRoutes(
        to router: some RouterMethods<ServiceRequestContext>,
        confirmed: RouterGroup<ConfirmedRequestContext<ServiceRequestContext>>
    ) {
        router.post("/v1/accounts", use: self.signUp)
        confirmed.put("/v1/accounts/me/password", use: self.changePassword)
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
        let clientAddress = self.addresses.clientAddress(
            peer: context.remoteAddress?.ipAddress,
            forwardedFor: request.headers[values: .xForwardedFor]
        )
        let account = try await self.accounts.signUp(email: email, password: body.password, clientAddress: clientAddress)
        return try JSONResponse.make(AccountResponse(account), status: .created)
    }

    /// Changes the caller's password and revokes every other session: 204.
    @Sendable func changePassword(request: Request, context: ConfirmedRequestContext<ServiceRequestContext>) async throws -> Response {
        let body = try await request.decodeJSON(as: PasswordChangeRequest.self, context: context)
        var validator = FieldValidator()
        validator.require(!body.currentPassword.isEmpty, field: "current_password", "is required")
        PasswordRules.check(body.newPassword, field: "new_password", in: &validator)
        try validator.validate()
        let clientAddress = self.addresses.clientAddress(
            peer: context.remoteAddress?.ipAddress,
            forwardedFor: request.headers[values: .xForwardedFor]
        )
        try await self.accounts.changePassword(
            accountID: context.identity.userID,
            keepingSession: context.identity.sessionID,
            current: body.currentPassword,
            new: body.newPassword,
            clientAddress: clientAddress
        )
        return JSONResponse.noContent()
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

extension AccountController {
    init(core: AuthCore) {
        self.init(
            accounts: AccountService(
                client: core.postgres,
                accounts: core.accounts,
                revocations: core.revocations,
                hasher: core.hasher,
                throttle: core.limits.logins,
                signUps: core.limits.signUps,
                clock: core.clock,
                logger: core.logger
            ),
            addresses: core.addresses
        )
    }
}
