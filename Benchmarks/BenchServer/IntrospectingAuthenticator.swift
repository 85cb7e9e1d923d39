import Foundation
import Hummingbird
import HummingbirdAuth
import ServiceSupport
import TokenKit
import TokenKitClients
import TokenKitHummingbird

/// Classic sessions: nothing is verified locally, `auth` is asked about the token in every request
/// (`POST /internal/v1/introspect`, through the service's own ``IntrospectionClient``) and its answer
/// decides. Benchmark-only.
///
/// The claims are read without checking the signature only to give ``IntrospectionClient`` the
/// `sub` and `sid` it compares `auth`'s answer with; `auth` verifies the token in full.
struct IntrospectingAuthenticator: AuthenticatorMiddleware {
    typealias Context = ServiceRequestContext
    typealias Identity = LocalIdentity

    let checker: IntrospectionClient
    let cookieNames: TokenCookieNames

    func authenticate(request: Request, context: ServiceRequestContext) async throws -> LocalIdentity? {
        guard let presented = PresentedAccessToken(request: request, cookieName: self.cookieNames.access) else { return nil }
        guard let claims = Self.unverifiedClaims(presented.token) else {
            throw AccessDenied.tokenRejected(.invalid(.malformed))
        }
        let identity = LocalIdentity(claims: claims, transport: presented.transport, accessToken: presented.token)
        guard try await self.checker.isSessionActive(identity) else { throw AccessDenied.sessionEnded }
        return identity
    }

    /// The payload of a compact JWS, decoded without any check.
    static func unverifiedClaims(_ token: String) -> AccessTokenClaims? {
        let segments = token.split(separator: ".", omittingEmptySubsequences: false)
        guard segments.count == 3, let json = Base64URL.decode(segments[1]) else { return nil }
        return try? JSONDecoder().decode(AccessTokenClaims.self, from: Data(json))
    }
}
