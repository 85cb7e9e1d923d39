import Foundation
import HTTPTypes
import Hummingbird
import Logging
import ServiceSupport
import TestSupport
import TokenKit
import TokenKitHummingbird

/// A tiny resource service built on TokenKit, the way notes and profile are built.
///
/// `GET /v1/me` answers the locally verified user id and transport; `POST`, `PUT`, `PATCH` and
/// `DELETE /v1/me` answer "confirmed" and the user id once the session checker confirmed the session.
/// Thrown ``Problem``s become responses through Hummingbird's router, because `Problem` is an
/// `HTTPResponseError` (the services add ServiceSupport's `ProblemMiddleware` on top of that).
struct TestResourceService: Sendable {
    let factory = TokenForge()
    let checker = InMemorySessionChecker()
    /// Sessions reported revoked, as a revocation feed would fill them.
    let revoked = RevokedSessions()
    let cookieNames: TokenCookieNames

    init(secureCookies: Bool = true) {
        self.cookieNames = TokenCookieNames(secure: secureCookies)
    }

    /// The application, verifying tokens of ``factory``'s key with the clock at ``TokenForge/now``.
    func application() -> some ApplicationProtocol {
        let verifier = TokenForge.verifier(keys: StaticKeyProvider(self.factory.verificationKey))
        let authenticator = AccessTokenAuthenticator<TestIdentityContext>(
            verifier: verifier,
            cookieNames: self.cookieNames,
            revokedSessions: self.revoked
        )
        let router = Router(context: TestIdentityContext.self)
        router.authenticatedGroup("/v1", authenticator: authenticator)
            .get("me") { _, context in
                "\(context.identity.userID.uuidString.lowercased()) \(context.identity.transport.rawValue)"
            }
        let confirmed = router.confirmedGroup("/v1", authenticator: authenticator, checker: self.checker)
        for method in [HTTPRequest.Method.post, .put, .patch, .delete] {
            confirmed.on("me", method: method) { _, context in
                "confirmed \(context.identity.userID.uuidString.lowercased())"
            }
        }
        var logger = Logger(label: "TestResourceService")
        logger.logLevel = .critical
        return Application(router: router, logger: logger)
    }

    /// A token signed by the service's auth key; with `csrf`, a cookie-mode token bound to that CSRF value.
    func token(
        subject: UUID = UUID(),
        sessionID: UUID = UUID(),
        csrf: String? = nil,
        issuedAt: Int64 = TokenForge.now
    ) async throws -> String {
        let claims = TokenForge.accessTokenClaims(
            subject: subject,
            sessionID: sessionID,
            issuedAt: issuedAt,
            csrfHash: csrf.map(CSRFProtection.hash(of:))
        )
        return try await AccessTokenSigner(key: self.factory.signingKey).sign(claims)
    }

    /// A `Cookie` header value with the access cookie and, if given, the csrf cookie.
    func cookieHeader(access: String, csrf: String? = nil) -> String {
        var pairs = ["\(self.cookieNames.access)=\(access)"]
        if let csrf { pairs.append("\(self.cookieNames.csrf)=\(csrf)") }
        return pairs.joined(separator: "; ")
    }
}
