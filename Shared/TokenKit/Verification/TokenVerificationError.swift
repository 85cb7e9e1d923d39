/// The two outcomes of a failed access-token verification that a client can act on.
public enum TokenVerificationError: Error, Sendable, Equatable {
    /// The signature and every other claim were good, but the token has expired: refresh.
    case expired
    /// The token must not be used; the reason is for logs and metrics only.
    case invalid(InvalidTokenReason)

    /// A short label for metrics.
    public var label: String {
        switch self {
        case .expired: "expired"
        case .invalid(let reason): reason.rawValue
        }
    }
}

/// Why a token was refused, for metrics and tests. Never sent to clients in detail.
public enum InvalidTokenReason: String, Sendable, Equatable, CaseIterable {
    case oversized = "oversized"
    case malformed = "malformed"
    case disallowedAlgorithm = "algorithm"
    case disallowedType = "type"
    case disallowedHeader = "header"
    case missingKeyID = "missing_kid"
    case unknownKeyID = "unknown_kid"
    case badSignature = "signature"
    case malformedClaims = "claims"
    case wrongIssuer = "issuer"
    case wrongAudience = "audience"
    case notYetValid = "not_yet_valid"
    case sessionRevoked = "session_revoked"
}
