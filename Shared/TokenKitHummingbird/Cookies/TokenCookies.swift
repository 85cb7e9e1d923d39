import Hummingbird
import TokenKit

/// Builds the Set-Cookie values of the contract's cookie transport.
public struct TokenCookies: Sendable {
    /// The path the refresh cookie is limited to.
    public static let refreshPath = "/v1/sessions"

    public let names: TokenCookieNames
    public let secure: Bool

    public init(secure: Bool) {
        self.names = TokenCookieNames(secure: secure)
        self.secure = secure
    }

    /// `HttpOnly; SameSite=Lax; Path=/`.
    public func access(_ token: String, maxAge: Int) -> Cookie {
        Cookie(name: self.names.access, value: token, maxAge: maxAge, path: "/", secure: self.secure, httpOnly: true, sameSite: .lax)
    }

    /// `HttpOnly; SameSite=Strict; Path=/v1/sessions`.
    public func refresh(_ token: String, maxAge: Int) -> Cookie {
        Cookie(
            name: self.names.refresh,
            value: token,
            maxAge: maxAge,
            path: Self.refreshPath,
            secure: self.secure,
            httpOnly: true,
            sameSite: .strict
        )
    }

    /// `SameSite=Strict; Path=/`, readable by scripts so they can echo it in `X-CSRF-Token`.
    public func csrf(_ token: String, maxAge: Int) -> Cookie {
        Cookie(name: self.names.csrf, value: token, maxAge: maxAge, path: "/", secure: self.secure, httpOnly: false, sameSite: .strict)
    }

    /// The three cookies cleared (`Max-Age=0`, same attributes and paths).
    public func cleared() -> [Cookie] {
        [self.access("", maxAge: 0), self.refresh("", maxAge: 0), self.csrf("", maxAge: 0)]
    }
}
