import Hummingbird
import TokenKit
import TokenKitHummingbird

/// The double-submit values of a cookie-authenticated request to `auth`, checked against the
/// hash stored with the session.
struct CSRFEvidence: Sendable {
    let header: String?
    let cookie: String?

    init(request: Request, cookieNames: TokenCookieNames) {
        self.header = request.headers[CSRFProtection.headerName]
        self.cookie = request.cookies[cookieNames.csrf]?.value
    }

    /// True when header and cookie agree and hash to `storedHash`.
    func matches(storedHash: String) -> Bool {
        guard let header, let cookie, !header.isEmpty else { return false }
        return CSRFProtection.constantTimeEquals(header, cookie)
            && CSRFProtection.constantTimeEquals(CSRFProtection.hash(of: header), storedHash)
    }
}
