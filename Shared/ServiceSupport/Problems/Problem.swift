import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import TokenKitHummingbird

/// An RFC 9457 problem: thrown by handlers and middleware, written as `application/problem+json`.
///
/// The `detail` is always a constant or built from validated values: never a token, password or hash.
public struct Problem: HTTPResponseError, Sendable {
    /// The stable problem type.
    public var type: ProblemType
    /// A human-readable explanation of this occurrence.
    public var detail: String
    /// Field errors, for ``ProblemType/validationFailed``.
    public var errors: [FieldError]
    /// Extra response headers, such as `WWW-Authenticate` or `Retry-After`.
    public var headers: HTTPFields

    public init(_ type: ProblemType, detail: String, errors: [FieldError] = [], headers: HTTPFields = [:]) {
        self.type = type
        self.detail = detail
        self.errors = errors
        self.headers = headers
    }

    public var status: HTTPResponse.Status { self.type.status }

    /// The JSON body of the problem.
    struct Body: Encodable {
        let type: String
        let title: String
        let status: Int
        let detail: String
        let errors: [FieldError]?
    }

    /// Serializes the problem; this never fails, so error handling cannot itself error.
    public func response(from request: Request, context: some RequestContext) throws -> Response {
        self.response()
    }

    /// The response for this problem, independent of any request.
    public func response() -> Response {
        let body = Body(
            type: self.type.rawValue,
            title: self.type.title,
            status: Int(self.status.code),
            detail: self.detail,
            errors: self.errors.isEmpty ? nil : self.errors
        )
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(body)) ?? Data()
        var headers = self.headers
        headers[.contentType] = "application/problem+json"
        headers[.cacheControl] = "no-store"
        return Response(status: self.status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

extension Problem {
    /// The service's problem for a refusal of TokenKit's middleware: the same status, headers and type.
    public init(_ denied: AccessDenied) {
        self.init(
            ProblemType(rawValue: "urn:latchkey:problem:\(denied.problemName)") ?? .internalError,
            detail: denied.detail,
            headers: denied.headers
        )
    }

    /// A 401 `invalid-credentials` for a request whose token is good but whose password is wrong
    /// (password change, account deletion): the realm alone, without `error="invalid_token"`, which
    /// would tell the client to drop a token that still works.
    public static func wrongPassword(detail: String) -> Problem {
        var headers = HTTPFields()
        headers[.wwwAuthenticate] = BearerChallenge.noToken
        return Problem(.invalidCredentials, detail: detail, headers: headers)
    }

    /// A 400 listing what is wrong with the request's fields.
    public static func validation(_ errors: [FieldError]) -> Problem {
        Problem(.validationFailed, detail: "The request has invalid fields.", errors: errors)
    }

    /// A 400 for a single invalid field.
    public static func validation(field: String, _ message: String) -> Problem {
        .validation([FieldError(field: field, message: message)])
    }

    /// A 404 that says nothing about whether the resource exists for someone else.
    public static func notFound(_ detail: String = "No such resource.") -> Problem {
        Problem(.notFound, detail: detail)
    }

    /// A 429 or 503 with `Retry-After` in whole seconds (at least one).
    public static func retryLater(_ type: ProblemType, detail: String, afterSeconds seconds: Int) -> Problem {
        var headers = HTTPFields()
        headers[.retryAfter] = String(max(1, seconds))
        return Problem(type, detail: detail, headers: headers)
    }
}

/// One invalid field of a request body, as listed in a validation problem's `errors`.
public struct FieldError: Codable, Sendable, Equatable {
    /// The JSON name of the field, or a dotted path to it.
    public var field: String
    /// What is wrong with it, in words a client developer can act on.
    public var message: String

    public init(field: String, message: String) {
        self.field = field
        self.message = message
    }
}
