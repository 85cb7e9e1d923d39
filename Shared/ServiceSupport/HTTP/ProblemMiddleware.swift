import Hummingbird
import Logging
import PostgresNIO
import TokenKitHummingbird

/// Turns every error into an `application/problem+json` response, so no error leaves a service
/// in any other shape. Unknown errors become a 500 that says nothing about their cause; the
/// cause is logged by type only.
public struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let problem as Problem {
            return problem.response()
        } catch let denied as AccessDenied {
            return Problem(denied).response()
        } catch let error as PostgresTransactionError where error.closureError is Problem {
            // A handler refused inside a transaction (which was rolled back): answer its problem.
            return (error.closureError as! Problem).response()
        } catch let error as PostgresTransactionError where error.closureError is AccessDenied {
            return Problem(error.closureError as! AccessDenied).response()
        } catch let error where DatabaseUnavailability.isUnavailable(error) {
            // The database went away under the request (a lost or refused connection): retry later, not a 500.
            context.logger.warning("Request failed: database unavailable", metadata: ["error.type": .string(String(reflecting: type(of: error)))])
            return DatabaseUnavailability.problem().response()
        } catch let error as HTTPError {
            return Self.problem(for: error.status).response()
        } catch let error as any HTTPResponseError {
            return Self.problem(for: error.status).response()
        } catch {
            context.logger.error("Request failed", metadata: ["error.type": .string(String(reflecting: type(of: error)))])
            return Problem(.internalError, detail: "Something went wrong on our side.").response()
        }
    }

    /// The problem for a framework error of the given status.
    static func problem(for status: HTTPResponse.Status) -> Problem {
        switch status {
        case .notFound: Problem(.notFound, detail: "No such resource.")
        case .methodNotAllowed: Problem(.methodNotAllowed, detail: "This method is not allowed here.")
        case .contentTooLarge: Problem(.payloadTooLarge, detail: "The request body is larger than \(ServiceRequestContext.maximumBodySize) bytes.")
        case .unsupportedMediaType: Problem(.unsupportedMediaType, detail: "Send the body as application/json.")
        case .badRequest: Problem(.validationFailed, detail: "The request could not be read.")
        case .unauthorized: Problem(AccessDenied.tokenMissing)
        default: Problem(.internalError, detail: "Something went wrong on our side.")
        }
    }
}
