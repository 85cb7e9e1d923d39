import Hummingbird
import HummingbirdAuth

/// Confirms the caller's session online before a dangerous action, and only then records a
/// ``ConfirmedIdentity`` in the context.
///
/// Inactive session: 401 `session-ended`. Checker unavailable: its 503 passes through, so the
/// action fails closed.
public struct SessionConfirmationMiddleware<Context: IdentityRequestContext>: RouterMiddleware {
    private let checker: any SessionStatusChecker

    public init(checker: any SessionStatusChecker) {
        self.checker = checker
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let identity = context.identity else { throw BearerChallenge.missingTokenProblem() }
        let active: Bool
        do {
            active = try await self.checker.isSessionActive(identity)
        } catch {
            TokenMetrics.recordConfirmation("unavailable")
            throw error
        }
        guard active else {
            TokenMetrics.recordConfirmation("inactive")
            throw BearerChallenge.sessionEndedProblem()
        }
        TokenMetrics.recordConfirmation("active")
        var context = context
        context.confirmedIdentity = ConfirmedIdentity(confirming: identity)
        return try await next(request, context)
    }
}
