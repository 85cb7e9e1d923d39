import Hummingbird
import TokenKitClients

/// Refuses every request but `/healthz` and `/readyz` with 503 `auth-unavailable` (and
/// `Retry-After`) until the service can judge tokens: the signing keys are loaded and the revocation
/// feed's first replay is applied.
///
/// Without it, a service that has just started would accept, for a moment, a session that was
/// revoked before it started (its replay not read yet). Once open it stays open: a later feed outage
/// falls back to token expiry, and writes are confirmed with `auth` anyway.
public struct StartGate<Context: RequestContext>: RouterMiddleware {
    /// The paths answered before the gate opens.
    public static var exemptPaths: Set<String> { ["/healthz", "/readyz"] }

    private let isOpen: @Sendable () -> Bool

    public init(isOpen: @escaping @Sendable () -> Bool) {
        self.isOpen = isOpen
    }

    /// Open once `keys` has loaded and `feed` has replayed.
    public init(keys: JWKSCache, feed: RevocationFeedClient) {
        self.init { keys.hasLoadedKeys && feed.hasReplayed }
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard self.isOpen() || Self.exemptPaths.contains(request.uri.path) else { throw Problem.authStarting() }
        return try await next(request, context)
    }
}
