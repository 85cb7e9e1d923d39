import PostgresNIO
import TokenKit

/// Tells the errors of an unreachable database (refused or lost connections, a server shutting down
/// or starting up, the pool giving up) from the errors of a bad query, and answers the former with
/// 503 `service-unavailable` and `Retry-After` instead of a 500.
public enum DatabaseUnavailability {
    /// SQLSTATE classes of a server that cannot serve: 08 connection exception, 57 operator intervention
    /// (shutting down, crash recovery, cannot connect now), 53 insufficient resources (too many connections).
    static let unavailableClasses: Set<Substring> = ["08", "57", "53"]

    /// Client-side error codes of a connection that could not be made or was lost.
    static let unavailableCodes: [PSQLError.Code] = [
        .connectionError, .serverClosedConnection, .clientClosedConnection, .uncleanShutdown, .poolClosed,
    ]

    /// Whether `error` (or the error inside a failed transaction) means the database did not answer.
    public static func isUnavailable(_ error: any Error) -> Bool {
        switch error {
        case let error as PSQLError:
            guard error.code == .server else { return self.unavailableCodes.contains(error.code) }
            let state = error.serverInfo?[.sqlState] ?? ""
            return self.unavailableClasses.contains(state.prefix(2))
        case let error as PostgresTransactionError:
            return [error.beginError, error.closureError, error.commitError].contains { $0.map(self.isUnavailable) ?? false }
        default:
            // The pool's circuit breaker (a minute without any connection) throws its own error type,
            // which PostgresNIO does not re-export.
            return String(reflecting: type(of: error)).hasSuffix("ConnectionPoolError")
        }
    }

    /// The 503 for a request that needed the database while it did not answer.
    public static func problem() -> Problem {
        Problem.retryLater(.serviceUnavailable, detail: "The service's database is not reachable right now; retry shortly.", afterSeconds: 2)
    }
}
