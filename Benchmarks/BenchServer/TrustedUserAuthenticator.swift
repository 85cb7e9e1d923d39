import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdAuth
import ServiceSupport
import TokenKit

/// No authentication at all: the caller is whoever `X-Bench-User` names. The baseline of the read
/// benchmark, which needs an owner id for the very same database query. Benchmark-only.
///
/// The request still carries its `Authorization` header (the load is byte for byte the same for every
/// variant); it is ignored.
struct TrustedUserAuthenticator: AuthenticatorMiddleware {
    typealias Context = ServiceRequestContext
    typealias Identity = LocalIdentity

    static let header = HTTPField.Name("X-Bench-User")!

    func authenticate(request: Request, context: ServiceRequestContext) async throws -> LocalIdentity? {
        guard let value = request.headers[Self.header], let userID = UUID(uuidString: value) else { return nil }
        let claims = AccessTokenClaims(
            issuer: "bench",
            audience: ["notes"],
            subject: userID,
            sessionID: userID,
            tokenID: userID,
            issuedAt: 0,
            notBefore: 0,
            expiresAt: .max,
            csrfHash: nil
        )
        return LocalIdentity(claims: claims, transport: .bearer, accessToken: "")
    }
}
