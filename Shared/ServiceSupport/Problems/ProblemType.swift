import HTTPTypes
import TokenKit
import TokenKitHummingbird

/// The stable problem `type` values of the public contract, each with its status and title.
///
/// Clients switch on ``rawValue``; the titles are for people reading a response by hand.
public enum ProblemType: String, Sendable, CaseIterable {
    case tokenMissing = "urn:latchkey:problem:token-missing"
    case tokenExpired = "urn:latchkey:problem:token-expired"
    case tokenInvalid = "urn:latchkey:problem:token-invalid"
    case sessionEnded = "urn:latchkey:problem:session-ended"
    case invalidCredentials = "urn:latchkey:problem:invalid-credentials"
    case refreshTokenInvalid = "urn:latchkey:problem:refresh-token-invalid"
    case csrfFailed = "urn:latchkey:problem:csrf-failed"
    case accountLocked = "urn:latchkey:problem:account-locked"
    case validationFailed = "urn:latchkey:problem:validation-failed"
    case notFound = "urn:latchkey:problem:not-found"
    case methodNotAllowed = "urn:latchkey:problem:method-not-allowed"
    case conflict = "urn:latchkey:problem:conflict"
    case preconditionFailed = "urn:latchkey:problem:precondition-failed"
    case payloadTooLarge = "urn:latchkey:problem:payload-too-large"
    case unsupportedMediaType = "urn:latchkey:problem:unsupported-media-type"
    case rateLimited = "urn:latchkey:problem:rate-limited"
    case authUnavailable = "urn:latchkey:problem:auth-unavailable"
    case serviceUnavailable = "urn:latchkey:problem:service-unavailable"
    case internalError = "urn:latchkey:problem:internal-error"

    /// The HTTP status that always goes with this type.
    public var status: HTTPResponse.Status {
        switch self {
        case .tokenMissing, .tokenExpired, .tokenInvalid, .sessionEnded, .invalidCredentials, .refreshTokenInvalid:
            .unauthorized
        case .csrfFailed, .accountLocked: .forbidden
        case .validationFailed: .badRequest
        case .notFound: .notFound
        case .methodNotAllowed: .methodNotAllowed
        case .conflict: .conflict
        case .preconditionFailed: .preconditionFailed
        case .payloadTooLarge: .contentTooLarge
        case .unsupportedMediaType: .unsupportedMediaType
        case .rateLimited: .tooManyRequests
        case .authUnavailable, .serviceUnavailable: .serviceUnavailable
        case .internalError: .internalServerError
        }
    }

    /// A short, constant summary of the problem type.
    public var title: String {
        switch self {
        case .tokenMissing: AccessDenied.tokenMissing.title
        case .tokenExpired: AccessDenied.tokenRejected(.expired).title
        case .tokenInvalid: AccessDenied.tokenRejected(.invalid(.malformed)).title
        case .sessionEnded: AccessDenied.sessionEnded.title
        case .invalidCredentials: "Invalid credentials"
        case .accountLocked: "Account locked"
        case .refreshTokenInvalid: "Refresh token invalid"
        case .csrfFailed: AccessDenied.csrfFailed.title
        case .validationFailed: "Validation failed"
        case .notFound: "Not found"
        case .methodNotAllowed: "Method not allowed"
        case .conflict: "Conflict"
        case .preconditionFailed: "Precondition failed"
        case .payloadTooLarge: "Payload too large"
        case .unsupportedMediaType: "Unsupported media type"
        case .rateLimited: "Too many requests"
        case .authUnavailable: AccessDenied.authUnavailable(retryAfterSeconds: 1).title
        case .serviceUnavailable: "Service unavailable"
        case .internalError: "Internal error"
        }
    }
}
