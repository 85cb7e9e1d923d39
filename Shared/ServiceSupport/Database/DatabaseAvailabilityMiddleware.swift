import Hummingbird
import TokenKit

/// Refuses a request at once with 503 `service-unavailable` (and `Retry-After`) while
/// ``DatabaseHealth`` says the database does not answer, instead of letting it wait in the pool.
///
/// Paths that never touch the database (health, metrics, the JWKS) are let through.
public struct DatabaseAvailabilityMiddleware<Context: RequestContext>: RouterMiddleware {
    private let health: DatabaseHealth
    private let exemptPaths: Set<String>

    /// - Parameter exemptPaths: paths served without the database.
    public init(health: DatabaseHealth, exemptPaths: Set<String>) {
        self.health = health
        self.exemptPaths = exemptPaths
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard self.health.isAvailable || self.exemptPaths.contains(request.uri.path) else {
            throw DatabaseUnavailability.problem()
        }
        return try await next(request, context)
    }
}
