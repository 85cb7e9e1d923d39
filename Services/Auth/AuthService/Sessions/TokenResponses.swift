import Foundation
import HTTPTypes
import Hummingbird
import ServiceSupport
import TokenKit
import TokenKitHummingbird

/// Puts issued tokens in the transport the client asked for: the JSON body, or cookies only.
struct TokenResponses: Sendable {
    let cookies: TokenCookies

    /// The transport a login or refresh asked for with `Token-Transport: cookie`.
    static func requestedTransport(_ request: Request) -> TokenTransport {
        request.headers[.tokenTransport]?.trimmingCharacters(in: .whitespaces).lowercased() == "cookie" ? .cookie : .bearer
    }

    /// The login or refresh response.
    func session(_ tokens: IssuedTokens, transport: TokenTransport, status: HTTPResponse.Status) throws -> Response {
        var headers = HTTPFields()
        if transport == .cookie {
            self.setCookies(for: tokens, in: &headers)
        }
        return try JSONResponse.make(SessionTokensResponse(tokens, includeTokens: transport == .bearer), status: status, headers: headers)
    }

    /// The reissue response.
    func reissued(_ accessToken: String, expiresIn: Int, transport: TokenTransport) throws -> Response {
        var headers = HTTPFields()
        if transport == .cookie {
            headers.append(HTTPField(name: .setCookie, value: self.cookies.access(accessToken, maxAge: expiresIn).description))
            return try JSONResponse.make(ReissueResponse(accessToken: nil, tokenType: nil, expiresIn: expiresIn), headers: headers)
        }
        return try JSONResponse.make(ReissueResponse(accessToken: accessToken, tokenType: "Bearer", expiresIn: expiresIn))
    }

    /// The same problem, with all three cookies cleared.
    func clearingCookies(_ problem: Problem) -> Problem {
        var problem = problem
        self.appendClearedCookies(to: &problem.headers)
        return problem
    }

    /// A 204 that clears all three cookies.
    func noContentClearingCookies() -> Response {
        var headers = HTTPFields()
        self.appendClearedCookies(to: &headers)
        return JSONResponse.noContent(headers: headers)
    }

    private func setCookies(for tokens: IssuedTokens, in headers: inout HTTPFields) {
        headers.append(HTTPField(name: .setCookie, value: self.cookies.access(tokens.accessToken, maxAge: tokens.accessExpiresIn).description))
        headers.append(HTTPField(name: .setCookie, value: self.cookies.refresh(tokens.refreshToken, maxAge: tokens.refreshExpiresIn).description))
        if let csrf = tokens.csrfToken {
            headers.append(HTTPField(name: .setCookie, value: self.cookies.csrf(csrf, maxAge: tokens.refreshExpiresIn).description))
        }
    }

    private func appendClearedCookies(to headers: inout HTTPFields) {
        for cookie in self.cookies.cleared() {
            headers.append(HTTPField(name: .setCookie, value: cookie.description))
        }
    }
}
