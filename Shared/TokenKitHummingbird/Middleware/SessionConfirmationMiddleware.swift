import Hummingbird
import HummingbirdAuth
import TokenKit

/// Confirms the caller's session online before a dangerous action, and only then records a
/// `ConfirmedIdentity` (TokenKit) in the context.
///
/// Inactive session: 401 `session-ended`. Checker unavailable: 503 `auth-unavailable` with the
/// checker's `Retry-After`, so the action fails closed; any other error of the checker passes through.
public struct SessionConfirmationMiddleware<Context: IdentityRequestContext>: RouterMiddleware {
    private let checker: any SessionStatusChecker

    public init(checker: any SessionStatusChecker) {
        self.checker = checker
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let identity = context.identity else { throw AccessDenied.tokenMissing }
        let active: Bool
        do {
            active = try await self.checker.isSessionActive(identity)
        } catch let unavailable as SessionCheckUnavailable {
            TokenMetrics.recordConfirmation("unavailable")
            throw AccessDenied.authUnavailable(retryAfterSeconds: unavailable.retryAfterSeconds)
        } catch {
            TokenMetrics.recordConfirmation("unavailable")
            throw error
        }
        guard active else {
            TokenMetrics.recordConfirmation("inactive")
            throw AccessDenied.sessionEnded
        }
        TokenMetrics.recordConfirmation("active")
        var context = context
        context.confirmedIdentity = ConfirmedIdentity(confirming: identity)
        return try await next(request, context)
    }
}
