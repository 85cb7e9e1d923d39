/// The fixed JOSE header values of an access token.
public enum AccessTokenHeader {
    /// The only accepted `alg`: Ed25519 signatures.
    public static let algorithm = "EdDSA"
    /// The only accepted `typ` (RFC 9068).
    public static let type = "at+jwt"
    /// The only header parameters an access token may carry. Anything else (`crit`, `jku`,
    /// `x5u`, `x5c`, `jwk`, …) makes the token invalid; none of them is ever followed.
    public static let allowedParameters: Set<String> = ["alg", "typ", "kid"]
    /// The longest token accepted; real tokens stay well under 1 KB.
    public static let maximumTokenLength = 4096
}
