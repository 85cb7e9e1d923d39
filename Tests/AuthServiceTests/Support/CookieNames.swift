/// The contract's cookie names for one `COOKIE_SECURE` setting.
struct CookieNames: Sendable {
    let access: String
    let refresh: String
    let csrf: String

    init(secure: Bool) {
        self.access = secure ? "__Host-access_token" : "access_token"
        self.refresh = secure ? "__Secure-refresh_token" : "refresh_token"
        self.csrf = secure ? "__Host-csrf_token" : "csrf_token"
    }

    /// All three, in the order access, refresh, csrf.
    var all: [String] { [self.access, self.refresh, self.csrf] }
}
