import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import TestSupport
import Testing

/// `POST /v1/accounts` bodies that must be refused, each without creating an account.
@Suite struct SignUpRejectionTests {
    /// A refused sign-up body; `LOCAL` in `template` becomes a unique e-mail local part.
    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let template: [UInt8]
        var contentType = "application/json"
        var kind = ProblemKind.validationFailed
        /// The field the validation error must name, if the contract fixes it.
        var field: String?

        var testDescription: String { self.name }

        init(_ name: String, _ text: String, field: String? = nil) {
            self.name = name
            self.template = Array(text.utf8)
            self.field = field
        }

        init(_ name: String, bytes: [UInt8], field: String? = nil) {
            self.name = name
            self.template = bytes
            self.field = field
        }

        /// The body with `LOCAL` replaced.
        func body(local: String) -> ByteBuffer {
            let text = String(decoding: self.template, as: UTF8.self)
            guard text.utf8.elementsEqual(self.template) else {
                // Invalid UTF-8 is sent byte for byte; the placeholder is replaced in the bytes.
                var bytes: [UInt8] = []
                var index = 0
                let marker = Array("LOCAL".utf8)
                while index < self.template.count {
                    if self.template[index...].starts(with: marker) {
                        bytes += Array(local.utf8)
                        index += marker.count
                    } else {
                        bytes.append(self.template[index])
                        index += 1
                    }
                }
                return ByteBuffer(bytes: bytes)
            }
            return ByteBuffer(string: text.replacingOccurrences(of: "LOCAL", with: local))
        }
    }

    /// The valid password the bad bodies carry, which no response may echo.
    static let password = "correct horse battery"

    /// The refused bodies.
    static let cases: [Case] = [
        Case("password of 7 characters", #"{"email":"LOCAL@example.com","password":"1234567"}"#, field: "password"),
        Case("password of 129 characters", #"{"email":"LOCAL@example.com","password":"\#(String(repeating: "x", count: 129))"}"#, field: "password"),
        Case("e-mail without @", #"{"email":"LOCAL.example.com","password":"\#(password)"}"#, field: "email"),
        Case("e-mail without a dotted domain", #"{"email":"LOCAL@localhost","password":"\#(password)"}"#, field: "email"),
        Case("e-mail with a space", #"{"email":"LOCAL x@example.com","password":"\#(password)"}"#, field: "email"),
        Case("e-mail with two @", #"{"email":"LOCAL@example.com@example.com","password":"\#(password)"}"#, field: "email"),
        Case("missing password", #"{"email":"LOCAL@example.com"}"#, field: "password"),
        Case("missing e-mail", #"{"password":"\#(password)","note":"LOCAL"}"#, field: "email"),
        Case("empty object", "{}"),
        Case("password as a number", #"{"email":"LOCAL@example.com","password":12345678}"#, field: "password"),
        Case("e-mail as an array", #"{"email":["LOCAL@example.com"],"password":"\#(password)"}"#, field: "email"),
        Case("null password", #"{"email":"LOCAL@example.com","password":null}"#, field: "password"),
        Case("malformed JSON", #"{"email":"LOCAL@example.com","password":"#),
        Case("invalid UTF-8", bytes: Array(#"{"email":"LOCAL@example.com","password":"pass"#.utf8) + [0xFF, 0xFE] + Array(#"word1"}"#.utf8)),
        Case("a JSON array", #"[{"email":"LOCAL@example.com","password":"\#(password)"}]"#, field: "body"),
        {
            let padding = String(repeating: "a", count: 300 * 1024)
            var tooLarge = Case("body over 256 KiB", #"{"email":"LOCAL@example.com","password":"\#(password)","pad":"\#(padding)"}"#)
            tooLarge.kind = .payloadTooLarge
            return tooLarge
        }(),
        {
            var textPlain = Case("text/plain content type", #"{"email":"LOCAL@example.com","password":"\#(password)"}"#)
            textPlain.contentType = "text/plain"
            textPlain.kind = .unsupportedMediaType
            return textPlain
        }(),
        {
            var form = Case("form content type", "email=LOCAL%40example.com&password=correct+horse+battery")
            form.contentType = "application/x-www-form-urlencoded"
            form.kind = .unsupportedMediaType
            return form
        }(),
    ]

    /// Each bad body gets its problem (400 with field errors, 413 or 415) and creates no account.
    @Test(arguments: cases)
    func refusedWithoutCreatingAnAccount(_ badCase: Case) async throws {
        try await TestApp.run { api in
            let local = "rejected-\(UUID().uuidString.lowercased())"
            var headers = HTTPFields()
            headers[.contentType] = badCase.contentType
            let response = try await api.send(.post, "/v1/accounts", headers: headers, body: badCase.body(local: local))
            if badCase.kind == .validationFailed {
                ProblemCheck.expectValidationError(response, field: badCase.field)
            } else {
                expectProblem(response, badCase.kind)
            }
            #expect(!response.text.contains(Self.password))
            #expect(try await StoredState.accountCount(containing: local) == 0)
        }
    }
}
