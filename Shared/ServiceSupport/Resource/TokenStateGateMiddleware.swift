import Hummingbird
import TokenKit
import TokenKitClients

/// Refuses requests with 503 `auth-unavailable` (and `Retry-After`) until the resource service can
/// judge tokens: the signing keys are loaded and the revocation feed's first replay is applied.
///
/// Without it, a service that has just started would accept a token whose session was revoked a
/// minute earlier (its replay not read yet), or refuse every valid token as carrying an unknown
/// `kid`. Once open, the gate stays open: later feed outages fall back to token expiry, as the feed
/// client documents. Health and metrics paths are let through.
public struct TokenStateGateMiddleware<Context: RequestContext>: RouterMiddleware {
    private let keys: JWKSCache
    private let feed: RevocationFeedClient
    private let exemptPaths: Set<String>

    /// - Parameter exemptPaths: paths served before the keys and the replay are in.
    public init(keys: JWKSCache, feed: RevocationFeedClient, exemptPaths: Set<String> = ["/healthz", "/readyz", "/metrics"]) {
        self.keys = keys
        self.feed = feed
        self.exemptPaths = exemptPaths
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard (self.keys.hasLoadedKeys && self.feed.hasReplayed) || self.exemptPaths.contains(request.uri.path) else {
            throw Problem.retryLater(
                .authUnavailable,
                detail: "The service is starting: signing keys or revocations are not loaded yet; retry shortly.",
                afterSeconds: 1
            )
        }
        return try await next(request, context)
    }
}
