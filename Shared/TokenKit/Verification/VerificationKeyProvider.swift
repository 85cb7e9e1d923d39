/// Where a verifier finds the public key for a token's `kid`.
///
/// Implementations return only keys the auth service publishes. They never fall back to a
/// default key: an unknown `kid` is nil, and the token is refused.
public protocol VerificationKeyProvider: Sendable {
    /// The key published under `kid`, or nil.
    func verificationKey(for kid: String) async -> VerificationKey?
}
