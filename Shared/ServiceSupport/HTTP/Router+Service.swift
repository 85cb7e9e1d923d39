import Hummingbird

extension Router where Context == ServiceRequestContext {
    /// The one router recipe of every listener of every service (auth's public and internal ports,
    /// notes, profile): the request id, the request's trace span (only when tracing is on),
    /// the request log line (at `debug`), problem+json for every error, request metrics, then the
    /// database gate (503 at once while the database does not answer), in that order.
    ///
    /// - Parameters:
    ///   - databaseHealth: the service's database probe.
    ///   - servedWithoutDatabase: paths besides `/healthz`, `/readyz` and `/metrics` that never need
    ///     the database (auth's JWKS), so they keep answering while it is down.
    public static func service(databaseHealth: DatabaseHealth, servedWithoutDatabase: Set<String> = []) -> Router<ServiceRequestContext> {
        let router = Router(context: ServiceRequestContext.self)
        router.add(middleware: RequestIDMiddleware())
        if Observability.isTracing {
            // The admin API finds accounts by `?email=`: never an e-mail in a span.
            router.add(middleware: TracingMiddleware(recordingHeaders: [], redactingQueryParameters: ["email"]))
        }
        router.add(middleware: RequestLogMiddleware())
        router.add(middleware: ProblemMiddleware())
        router.add(middleware: MetricsMiddleware())
        router.add(
            middleware: DatabaseAvailabilityMiddleware(
                health: databaseHealth,
                exemptPaths: HealthRoutes<ServiceRequestContext>.paths.union(servedWithoutDatabase)
            )
        )
        return router
    }
}
