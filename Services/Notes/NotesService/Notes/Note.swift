import Foundation
import ServiceSupport
import TokenKit

/// A note as stored: `seq` orders notes newest first and backs the pagination cursor.
struct Note: Sendable {
    let seq: Int64
    let id: UUID
    let ownerID: UUID
    var title: String
    var body: String
    let createdAt: Date
    var updatedAt: Date
    var version: Int

    /// The strong entity tag of this version.
    var entityTag: String { "\"\(self.version)\"" }
}

/// The limits of a note: a title of 1 to 200 characters, a body of at most 100,000.
enum NoteRules {
    static let titleLength = 1...200
    static let bodyLength = 0...100_000

    static func check(title: String?, body: String?, in validator: inout FieldValidator) {
        validator.length(of: title, field: "title", in: self.titleLength)
        validator.storableText(title, field: "title")
        validator.length(of: body, field: "body", in: self.bodyLength)
        validator.storableText(body, field: "body")
    }
}

/// `If-Match` evaluation (RFC 9110 §13.1.1): `*`, or a list of strong entity tags.
enum EntityTag {
    /// Whether the `If-Match` value allows changing a resource whose current tag is `current`.
    /// Weak tags (`W/"…"`) never match, as the strong comparison requires.
    static func matches(ifMatch: String, current: String) -> Bool {
        let candidates = ifMatch.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        return candidates.contains { $0 == "*" || $0 == current }
    }
}

/// The opaque pagination cursor: the position after which the next page starts.
enum NotesCursor {
    static func encode(seq: Int64) -> String {
        Base64URL.encode(Array("n\(seq)".utf8))
    }

    /// The position, or nil when the cursor was not made by ``encode(seq:)``.
    static func decode(_ cursor: String) -> Int64? {
        guard let bytes = Base64URL.decode(cursor), bytes.first == UInt8(ascii: "n"),
            let seq = Int64(String(decoding: bytes.dropFirst(), as: UTF8.self)), seq > 0
        else { return nil }
        return seq
    }
}
