/// What a verifier requires of a token's claims.
public struct VerificationPolicy: Sendable {
    /// The exact `iss` required.
    public var issuer: String
    /// The token's `aud` must name at least one of these.
    public var audiences: Set<String>
    /// Clock skew allowed on `exp` and `nbf`, in seconds; clamped to 0…30.
    public var leewaySeconds: Int64

    public init(issuer: String, audiences: Set<String>, leewaySeconds: Int64 = 30) {
        self.issuer = issuer
        self.audiences = audiences
        self.leewaySeconds = min(max(leewaySeconds, 0), 30)
    }
}
