import HTTPTypes

/// Builds RFC 6750 `WWW-Authenticate` challenges and the 401 problems that carry them.
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

    /// A 401 for a request without credentials.
    public static func missingTokenProblem() -> Problem {
        var headers = HTTPFields()
        headers[.wwwAuthenticate] = noToken
        return Problem(.tokenMissing, detail: "This request needs an access token.", headers: headers)
    }

    /// A 401 for a presented access token that failed verification.
    public static func problem(for error: TokenVerificationError) -> Problem {
        switch error {
        case .expired:
            return self.problem(.tokenExpired, description: "expired", detail: "The access token has expired; refresh it and retry.")
        case .invalid:
            return self.problem(.tokenInvalid, description: "invalid", detail: "The access token is not valid.")
        }
    }

    /// A 401 for a valid token whose session is no longer active.
    public static func sessionEndedProblem() -> Problem {
        self.problem(.sessionEnded, description: "session ended", detail: "The session has ended; log in again.")
    }

    /// A 401 `invalid-credentials` for a request whose token is good but whose password is wrong (password
    /// change): the realm alone, without `error="invalid_token"`, which would tell the client to drop a
    /// token that still works.
    public static func wrongPasswordProblem(detail: String) -> Problem {
        var headers = HTTPFields()
        headers[.wwwAuthenticate] = noToken
        return Problem(.invalidCredentials, detail: detail, headers: headers)
    }

    static func problem(_ type: ProblemType, description: String, detail: String) -> Problem {
        var headers = HTTPFields()
        headers[.wwwAuthenticate] = invalidToken(description: description)
        return Problem(type, detail: detail, headers: headers)
    }
}
