/// The contract's problem types, by the last part of their URN, each with its fixed status.
enum ProblemKind: String, Sendable, CaseIterable {
    case tokenMissing = "token-missing"
    case tokenExpired = "token-expired"
    case tokenInvalid = "token-invalid"
    case sessionEnded = "session-ended"
    case invalidCredentials = "invalid-credentials"
    case refreshTokenInvalid = "refresh-token-invalid"
    case csrfFailed = "csrf-failed"
    case validationFailed = "validation-failed"
    case notFound = "not-found"
    case conflict = "conflict"
    case payloadTooLarge = "payload-too-large"
    case unsupportedMediaType = "unsupported-media-type"
    case rateLimited = "rate-limited"
    case authUnavailable = "auth-unavailable"

    /// The full `type` value.
    var urn: String { "urn:latchkey:problem:\(self.rawValue)" }

    /// The status that always goes with the type.
    var status: Int {
        switch self {
        case .tokenMissing, .tokenExpired, .tokenInvalid, .sessionEnded, .invalidCredentials, .refreshTokenInvalid: 401
        case .csrfFailed: 403
        case .validationFailed: 400
        case .notFound: 404
        case .conflict: 409
        case .payloadTooLarge: 413
        case .unsupportedMediaType: 415
        case .rateLimited: 429
        case .authUnavailable: 503
        }
    }
}
