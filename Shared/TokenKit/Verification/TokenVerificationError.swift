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
