import TokenKit

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
