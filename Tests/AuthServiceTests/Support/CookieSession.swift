import HTTPTypes
import Hummingbird
import HummingbirdTesting
import TestSupport

/// The cookies of a cookie-mode login or refresh, and what a browser would send back.
struct CookieSession: Sendable {
    let names: CookieNames
    let access: String
    let refresh: String
    let csrf: String
    let sessionID: String

    init(response: TestResponse, names: CookieNames) throws {
        guard let access = response.setCookie(names.access)?.value, let refresh = response.setCookie(names.refresh)?.value,
            let csrf = response.setCookie(names.csrf)?.value, let sessionID = try response.json()["session"]?["id"]?.string
        else { throw TestSetupError("not a cookie-mode token response: \(response.headers[values: .setCookie])") }
        self.names = names
        self.access = access
        self.refresh = refresh
        self.csrf = csrf
        self.sessionID = sessionID
    }

    /// A `Cookie` header with the chosen cookies.
    func cookieHeader(access: Bool = true, refresh: Bool = false, csrf: Bool = true) -> String {
        var pairs: [String] = []
        if access { pairs.append("\(self.names.access)=\(self.access)") }
        if refresh { pairs.append("\(self.names.refresh)=\(self.refresh)") }
        if csrf { pairs.append("\(self.names.csrf)=\(self.csrf)") }
        return pairs.joined(separator: "; ")
    }

    /// Headers of a cookie-authenticated request; `csrfHeader` is the `X-CSRF-Token` to send, if any.
    func headers(access: Bool = true, refresh: Bool = false, csrfHeader: String? = nil) -> HTTPFields {
        var headers = HTTPFields()
        headers[.cookie] = self.cookieHeader(access: access, refresh: refresh)
        if let csrfHeader {
            headers[HTTPField.Name("X-CSRF-Token")!] = csrfHeader
        }
        return headers
    }
}
