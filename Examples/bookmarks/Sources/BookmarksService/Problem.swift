import Foundation
import Hummingbird
import Logging
import TokenKitHummingbird

/// An RFC 9457 problem of this service, answered as `application/problem+json` with the contract's
/// stable `type` (`urn:latchkey:problem:<name>`). TokenKit's own refusals (`AccessDenied`: 401, 403,
/// 503) already answer in the same shape.
public struct Problem: HTTPResponseError, Sendable {
    public let status: HTTPResponse.Status
    /// The last part of the type, e.g. `validation-failed`.
    public let name: String
    public let title: String
    public let detail: String
    /// Field errors of a `validation-failed` problem.
    public let errors: [FieldError]
    public let headers: HTTPFields

    public init(
        _ status: HTTPResponse.Status,
        _ name: String,
        title: String,
        detail: String,
        errors: [FieldError] = [],
        headers: HTTPFields = [:]
    ) {
        self.status = status
        self.name = name
        self.title = title
        self.detail = detail
        self.errors = errors
        self.headers = headers
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        self.response()
    }

    /// The answer; encoding these few strings cannot fail.
    public func response() -> Response {
        let body = Body(
            type: "urn:latchkey:problem:\(self.name)",
            title: self.title,
            status: Int(self.status.code),
            detail: self.detail,
            errors: self.errors.isEmpty ? nil : self.errors
        )
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var headers = self.headers
        headers[.contentType] = "application/problem+json"
        headers[.cacheControl] = "no-store"
        return Response(status: self.status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: (try? encoder.encode(body)) ?? Data())))
    }

    private struct Body: Encodable {
        let type: String
        let title: String
        let status: Int
        let detail: String
        let errors: [FieldError]?
    }
}

/// One invalid field of a request body.
public struct FieldError: Codable, Sendable, Equatable {
    public let field: String
    public let message: String
}

extension Problem {
    static func validation(_ errors: [FieldError]) -> Problem {
        Problem(.badRequest, "validation-failed", title: "Validation failed", detail: "The request has invalid fields.", errors: errors)
    }

    static func notFound(_ detail: String = "No such resource.") -> Problem {
        Problem(.notFound, "not-found", title: "Not found", detail: detail)
    }

    /// 503 `auth-unavailable` with `Retry-After`: the start gate's answer.
    static func authStarting() -> Problem {
        Problem(
            .serviceUnavailable,
            "auth-unavailable",
            title: "Authentication service unavailable",
            detail: "The service is starting: signing keys or revocations are not loaded yet; retry shortly.",
            headers: [.retryAfter: "1"]
        )
    }

    static func notReady() -> Problem {
        Problem(.serviceUnavailable, "service-unavailable", title: "Service unavailable", detail: "Not ready: a dependency is not reachable yet.")
    }

    static let internalError = Problem(.internalServerError, "internal-error", title: "Internal error", detail: "Something went wrong on our side.")

    /// The problem for an error Hummingbird raised itself (no route, a body too large or unreadable).
    static func forFrameworkError(_ status: HTTPResponse.Status) -> Problem {
        switch status {
        case .notFound: .notFound()
        case .methodNotAllowed: Problem(status, "method-not-allowed", title: "Method not allowed", detail: "This method is not allowed here.")
        case .contentTooLarge:
            Problem(status, "payload-too-large", title: "Payload too large", detail: "The request body is larger than this service accepts.")
        case .badRequest: Problem(status, "validation-failed", title: "Validation failed", detail: "The request could not be read.")
        default: .internalError
        }
    }
}

/// Answers every error as problem+json, so no error leaves the service in another shape; an unknown
/// error is a 500 that says nothing of its cause (logged by type only).
public struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let problem as Problem {
            return problem.response()
        } catch let denied as AccessDenied {
            return try denied.response(from: request, context: context)
        } catch let error as any HTTPResponseError {
            return Problem.forFrameworkError(error.status).response()
        } catch {
            context.logger.error("Request failed", metadata: ["error.type": .string(String(reflecting: type(of: error)))])
            return Problem.internalError.response()
        }
    }
}
