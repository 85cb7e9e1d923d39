/// The names of the three token cookies, which depend on `COOKIE_SECURE`.
///
/// Secure hosts use the `__Host-`/`__Secure-` prefixes, which browsers only accept with `Secure`
/// (and, for `__Host-`, `Path=/` and no `Domain`). A service reads only the names of its own setting.
public struct TokenCookieNames: Sendable, Equatable {
    public let access: String
    public let refresh: String
    public let csrf: String

    public init(secure: Bool) {
        self.access = secure ? "__Host-access_token" : "access_token"
        self.refresh = secure ? "__Secure-refresh_token" : "refresh_token"
        self.csrf = secure ? "__Host-csrf_token" : "csrf_token"
    }
}
