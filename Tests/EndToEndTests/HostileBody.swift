import Foundation
import Testing

/// A request body no JSON endpoint may accept: malformed JSON, wrong types, invalid UTF-8, NUL
/// characters, strings over every limit, deep nesting, a body over 256 KiB, or a body that is not
/// declared as JSON.
enum HostileBody: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case truncatedJSON
    case notJSON
    case emptyBody
    case array
    case string
    case number
    case null
    case numbersForStrings
    case arraysForStrings
    case objectsForStrings
    case deepNesting
    case invalidUTF8
    case nulCharacters
    case hugeStrings
    case over256KiB
    case plainTextContentType
    case formContentType
    case noContentType

    var testDescription: String { self.rawValue }

    /// Every member name any Latchkey endpoint reads.
    static let fieldNames = ["email", "password", "refresh_token", "current_password", "new_password", "title", "body", "display_name", "bio"]

    /// The raw body.
    var bytes: [UInt8] {
        func object(_ value: (String) -> String) -> [UInt8] {
            Array(("{" + Self.fieldNames.map { "\"\($0)\":\(value($0))" }.joined(separator: ",") + "}").utf8)
        }
        switch self {
        case .truncatedJSON: return Array(#"{"email":"a@b.io","title":"#.utf8)
        case .notJSON: return Array("hello, world".utf8)
        case .emptyBody: return []
        case .array: return Array(#"["a@b.io","password1"]"#.utf8)
        case .string: return Array(#""just a string""#.utf8)
        case .number: return Array("12345".utf8)
        case .null: return Array("null".utf8)
        case .numbersForStrings: return object { _ in "1" }
        case .arraysForStrings: return object { _ in #"["x"]"# }
        case .objectsForStrings: return object { _ in #"{"$ne":null}"# }
        case .deepNesting:
            return Array(#"{"title":"#.utf8) + Array(repeating: UInt8(ascii: "["), count: 100_000)
                + Array(repeating: UInt8(ascii: "]"), count: 100_000) + Array("}".utf8)
        case .invalidUTF8:
            var bytes: [UInt8] = Array("{".utf8)
            for (index, name) in Self.fieldNames.enumerated() {
                if index > 0 { bytes += Array(",".utf8) }
                bytes += Array("\"\(name)\":\"ab".utf8) + [0xFF, 0xFE, 0xC0, 0xAF] + Array("cdefgh@x.io\"".utf8)
            }
            return bytes + Array("}".utf8)
        case .nulCharacters: return object { _ in #""a\u0000b@x.io""# }
        case .hugeStrings:
            let huge = String(repeating: "x", count: 20_000)
            return object { _ in "\"\(huge)\"" }
        case .over256KiB: return Array(#"{"title":"t","body":""#.utf8) + Array(repeating: UInt8(ascii: "b"), count: 300 * 1024) + Array(#""}"#.utf8)
        case .plainTextContentType, .formContentType, .noContentType:
            return Array(#"{"email":"a@b.io","password":"password1","title":"t","display_name":"d","refresh_token":"x"}"#.utf8)
        }
    }

    /// The `Content-Type` to send, nil for none.
    var contentType: String? {
        switch self {
        case .plainTextContentType: "text/plain"
        case .formContentType: "application/x-www-form-urlencoded"
        case .noContentType: nil
        default: "application/json"
        }
    }
}
