import Hummingbird
import Testing
import TokenKit
import TokenKitHummingbird

/// The three token cookies carry the contract's names and attributes, and clear the same way.
@Suite("Token cookies")
struct TokenCookiesTests {
    /// Names follow `COOKIE_SECURE`: prefixed when secure, plain otherwise.
    @Test(arguments: [
        (true, "__Host-access_token", "__Secure-refresh_token", "__Host-csrf_token"),
        (false, "access_token", "refresh_token", "csrf_token"),
    ])
    func names(secure: Bool, access: String, refresh: String, csrf: String) {
        let names = TokenCookieNames(secure: secure)

        #expect(names.access == access)
        #expect(names.refresh == refresh)
        #expect(names.csrf == csrf)
        #expect(TokenCookies(secure: secure).names == names)
    }

    /// The access cookie: HttpOnly, SameSite=Lax, Path=/, Max-Age as given, Secure only when secure.
    @Test(arguments: [true, false])
    func accessCookie(secure: Bool) {
        let cookie = TokenCookies(secure: secure).access("access-value", maxAge: 300)

        #expect(cookie.name == TokenCookieNames(secure: secure).access)
        #expect(cookie.value == "access-value")
        #expect(cookie.httpOnly)
        #expect(cookie.sameSite == .lax)
        #expect(cookie.path == "/")
        #expect(cookie.domain == nil)
        #expect(cookie.maxAge == 300)
        #expect(cookie.secure == secure)
        #expect(cookie.description.contains("Secure") == secure)
    }

    /// The refresh cookie: HttpOnly, SameSite=Strict, Path=/v1/sessions, Secure only when secure.
    @Test(arguments: [true, false])
    func refreshCookie(secure: Bool) {
        let cookie = TokenCookies(secure: secure).refresh("refresh-value", maxAge: 1_209_600)

        #expect(cookie.name == TokenCookieNames(secure: secure).refresh)
        #expect(cookie.httpOnly)
        #expect(cookie.sameSite == .strict)
        #expect(cookie.path == "/v1/sessions")
        #expect(cookie.domain == nil)
        #expect(cookie.maxAge == 1_209_600)
        #expect(cookie.secure == secure)
    }

    /// The csrf cookie: readable by scripts (no HttpOnly), SameSite=Strict, Path=/, Secure only when secure.
    @Test(arguments: [true, false])
    func csrfCookie(secure: Bool) {
        let cookie = TokenCookies(secure: secure).csrf("csrf-value", maxAge: 300)

        #expect(cookie.name == TokenCookieNames(secure: secure).csrf)
        #expect(!cookie.httpOnly)
        #expect(!cookie.description.contains("HttpOnly"))
        #expect(cookie.sameSite == .strict)
        #expect(cookie.path == "/")
        #expect(cookie.domain == nil)
        #expect(cookie.maxAge == 300)
        #expect(cookie.secure == secure)
    }

    /// Clearing gives the three cookies empty, with Max-Age=0 and the same names, paths and attributes.
    @Test(arguments: [true, false])
    func cleared(secure: Bool) {
        let cookies = TokenCookies(secure: secure)
        let cleared = cookies.cleared()
        let issued = [cookies.access("a", maxAge: 300), cookies.refresh("r", maxAge: 600), cookies.csrf("c", maxAge: 300)]

        #expect(cleared.map(\.name) == issued.map(\.name))
        #expect(cleared.map(\.path) == ["/", "/v1/sessions", "/"])
        #expect(cleared.allSatisfy { $0.maxAge == 0 && $0.value.isEmpty && $0.secure == secure })
        #expect(cleared.map(\.httpOnly) == issued.map(\.httpOnly))
        #expect(cleared.map(\.sameSite) == issued.map(\.sameSite))
        #expect(cleared.allSatisfy { $0.description.contains("Max-Age=0") })
    }
}
