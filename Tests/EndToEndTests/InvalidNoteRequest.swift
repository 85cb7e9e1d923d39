import Foundation
import Testing

/// A note body that `POST /v1/notes` must refuse, with the status and problem type it must get.
enum InvalidNoteRequest: CaseIterable, Sendable, CustomTestStringConvertible {
    case emptyTitle
    case titleOf201
    case bodyOf100001
    case over256KiB
    case malformedJSON
    case titleNotAString
    case bodyNotAString
    case arrayInsteadOfObject
    case missingTitle
    case nulInTitle

    var testDescription: String { "\(self)" }

    /// The raw request body.
    var body: Data {
        switch self {
        case .emptyTitle: Data(#"{"title":"","body":"x"}"#.utf8)
        case .titleOf201: Data(#"{"title":"\#(String(repeating: "t", count: 201))","body":""}"#.utf8)
        case .bodyOf100001: Data(#"{"title":"t","body":"\#(String(repeating: "b", count: 100_001))"}"#.utf8)
        case .over256KiB: Data(#"{"title":"t","body":"\#(String(repeating: "b", count: 256 * 1024 + 1))"}"#.utf8)
        case .malformedJSON: Data(#"{"title":"t","body":"#.utf8)
        case .titleNotAString: Data(#"{"title":5,"body":"x"}"#.utf8)
        case .bodyNotAString: Data(#"{"title":"t","body":true}"#.utf8)
        case .arrayInsteadOfObject: Data(#"["t","x"]"#.utf8)
        case .missingTitle: Data(#"{"body":"x"}"#.utf8)
        case .nulInTitle: Data(#"{"title":"a\u0000b","body":"x"}"#.utf8)
        }
    }

    /// The status the contract requires.
    var status: Int {
        self == .over256KiB ? 413 : 400
    }

    /// The problem type (without the URN prefix) the contract requires.
    var problemType: String {
        self == .over256KiB ? "payload-too-large" : "validation-failed"
    }
}
