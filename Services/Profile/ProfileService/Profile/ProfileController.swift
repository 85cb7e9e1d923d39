import Foundation
import Hummingbird
import ServiceSupport
import TokenKit
import TokenKitHummingbird

/// `/v1/profile`: read with the locally verified identity, upsert with the confirmed one.
struct ProfileController: Sendable {
    let profiles: ProfileRepository

    func addRoutes(
        reads: RouterGroup<AuthenticatedRequestContext<ServiceRequestContext>>,
        writes: RouterGroup<ConfirmedRequestContext<ServiceRequestContext>>
    ) {
        reads.read("/v1/profile", use: self.show)
        writes.put("/v1/profile", use: self.replace)
    }

    /// The caller's profile, nulls when never set.
    @Sendable func show(request: Request, context: AuthenticatedRequestContext<ServiceRequestContext>) async throws -> Response {
        try JSONResponse.make(ProfileResponse(try await self.profiles.find(userID: context.identity.userID)))
    }

    /// Creates or replaces the caller's profile.
    @Sendable func replace(request: Request, context: ConfirmedRequestContext<ServiceRequestContext>) async throws -> Response {
        let body = try await request.decodeJSON(as: ProfileRequest.self, context: context)
        var validator = FieldValidator()
        ProfileRules.check(displayName: body.displayName, bio: body.bio, in: &validator)
        try validator.validate()
        let profile = try await self.profiles.upsert(userID: context.identity.userID, displayName: body.displayName, bio: body.bio, now: Date())
        return try JSONResponse.make(ProfileResponse(profile))
    }
}
