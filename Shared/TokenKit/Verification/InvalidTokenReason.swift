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
