import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore

/// HummingbirdTesting's responses, read as the checks of this module read them.
extension TestResponse: HTTPAnswer {
    package var statusCode: Int { Int(self.status.code) }

    package func headerValue(_ name: String) -> String? {
        HTTPField.Name(name).flatMap { self.headers[$0] }
    }

    package var headerLines: [String] {
        self.headers.map { "\($0.name): \($0.value)" }
    }

    /// The body as text.
    package var text: String { String(buffer: self.body) }

    /// The body as JSON; throws with the status and the start of the body when it is not JSON.
    package func json() throws -> JSONValue {
        do {
            return try JSONValue.parse(Data(self.body.readableBytesView))
        } catch {
            throw TestSetupError("response \(self.status.code) is not JSON: \(self.text.prefix(300))")
        }
    }
}
