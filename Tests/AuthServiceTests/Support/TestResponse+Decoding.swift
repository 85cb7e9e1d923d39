import HTTPTypes
import HummingbirdTesting
import TestSupport

/// The cookies of test responses.
extension TestResponse {
    /// Every `Set-Cookie` header, parsed.
    var setCookies: [SetCookie] {
        self.headers[values: .setCookie].compactMap { SetCookie($0) }
    }

    /// The `Set-Cookie` of the cookie called `name`.
    func setCookie(_ name: String) -> SetCookie? {
        self.setCookies.first { $0.name == name }
    }
}
