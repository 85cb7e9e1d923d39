/// RFC 6750 `WWW-Authenticate` challenges.
///
/// A challenge names the realm always; when a token was presented it adds `error="invalid_token"`
/// and an `error_description`, which is `expired` exactly when the signature was good and the
/// token has expired.
public enum BearerChallenge {
    /// The realm every challenge names.
    public static let realm = "latchkey"

    /// The header value for a request that presented no token.
    public static var noToken: String { "Bearer realm=\"\(realm)\"" }

    /// The header value for a request whose token was refused.
    public static func invalidToken(description: String) -> String {
        "Bearer realm=\"\(realm)\", error=\"invalid_token\", error_description=\"\(description)\""
    }
}
