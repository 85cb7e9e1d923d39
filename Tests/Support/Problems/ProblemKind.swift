/// The contract's problem types, by the last part of their URN, each with its fixed status.
package enum ProblemKind: String, Sendable, CaseIterable {
    case tokenMissing = "token-missing"
    case tokenExpired = "token-expired"
    case tokenInvalid = "token-invalid"
    case sessionEnded = "session-ended"
    case invalidCredentials = "invalid-credentials"
    case refreshTokenInvalid = "refresh-token-invalid"
    case csrfFailed = "csrf-failed"
    case accountLocked = "account-locked"
    case validationFailed = "validation-failed"
    case notFound = "not-found"
    case methodNotAllowed = "method-not-allowed"
    case conflict = "conflict"
    case preconditionFailed = "precondition-failed"
    case payloadTooLarge = "payload-too-large"
    case unsupportedMediaType = "unsupported-media-type"
    case rateLimited = "rate-limited"
    case authUnavailable = "auth-unavailable"
    case serviceUnavailable = "service-unavailable"
    case internalError = "internal-error"

    /// The full `type` value.
    package var urn: String { "urn:latchkey:problem:\(self.rawValue)" }

    /// The status that always goes with the type.
    package var status: Int {
        switch self {
        case .tokenMissing, .tokenExpired, .tokenInvalid, .sessionEnded, .invalidCredentials, .refreshTokenInvalid: 401
        case .csrfFailed, .accountLocked: 403
        case .validationFailed: 400
        case .notFound: 404
        case .methodNotAllowed: 405
        case .conflict: 409
        case .preconditionFailed: 412
        case .payloadTooLarge: 413
        case .unsupportedMediaType: 415
        case .rateLimited: 429
        case .authUnavailable, .serviceUnavailable: 503
        case .internalError: 500
        }
    }
}
