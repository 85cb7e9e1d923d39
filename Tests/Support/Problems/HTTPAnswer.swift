import Foundation

/// A response as the checks of this module read it, whether it came from an in-process router
/// (HummingbirdTesting's `TestResponse`) or over a socket (the end-to-end tests' own response type).
package protocol HTTPAnswer {
    /// The status code.
    var statusCode: Int { get }
    /// The first value of the header `name`, case-insensitively.
    func headerValue(_ name: String) -> String?
    /// Every header as a `name: value` line.
    var headerLines: [String] { get }
    /// The body as UTF-8 text.
    var text: String { get }
}

extension HTTPAnswer {
    /// The body as JSON, or nil when it is not JSON.
    package var jsonBody: JSONValue? {
        try? JSONValue.parse(Data(self.text.utf8))
    }

    /// The media type of `Content-Type`, without parameters, lower-cased.
    package var mediaType: String? {
        self.headerValue("Content-Type").flatMap { $0.split(separator: ";").first }.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
    }
}
