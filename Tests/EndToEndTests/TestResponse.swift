import Foundation
import TestSupport

/// An HTTP response as the tests read it: status, headers (in order, names as sent) and body.
struct TestResponse: Sendable {
    let status: Int
    let headers: [HeaderField]
    let body: Data
    /// How long the request took, from sending to the whole body being read.
    let duration: Duration

    /// One header line.
    struct HeaderField: Sendable {
        let name: String
        let value: String
    }

    /// The first value of a header, case-insensitively.
    func header(_ name: String) -> String? {
        self.headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    /// Every value of a header, case-insensitively, in order.
    func headerValues(_ name: String) -> [String] {
        self.headers.filter { $0.name.lowercased() == name.lowercased() }.map(\.value)
    }

    /// The body parsed as JSON.
    func json() throws -> JSONValue {
        do {
            return try JSONValue.parse(self.body)
        } catch {
            throw HarnessError("HTTP \(self.status): body is not JSON: \(self.text.prefix(500))")
        }
    }

    /// The body as UTF-8 text.
    var text: String { String(decoding: self.body, as: UTF8.self) }
}

/// The end-to-end responses, read as TestSupport's checks read them.
extension TestResponse: HTTPAnswer {
    var statusCode: Int { self.status }

    func headerValue(_ name: String) -> String? {
        self.header(name)
    }

    var headerLines: [String] {
        self.headers.map { "\($0.name): \($0.value)" }
    }
}
