import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore

/// Decoding helpers for test responses.
extension TestResponse {
    /// The body as text.
    var text: String { String(buffer: self.body) }

    /// The body as JSON.
    func json() throws -> JSONValue {
        do {
            return try JSONValue.parse(Data(self.body.readableBytesView))
        } catch {
            throw TestSetupError("response \(self.status.code) is not JSON: \(self.text.prefix(300))")
        }
    }

    /// The media type of `Content-Type`, without parameters, lower-cased.
    var mediaType: String? {
        self.headers[.contentType].flatMap { $0.split(separator: ";").first }.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
    }

    /// Every `Set-Cookie` header, parsed.
    var setCookies: [SetCookie] {
        self.headers[values: .setCookie].compactMap { SetCookie($0) }
    }

    /// The `Set-Cookie` of the cookie called `name`.
    func setCookie(_ name: String) -> SetCookie? {
        self.setCookies.first { $0.name == name }
    }
}
