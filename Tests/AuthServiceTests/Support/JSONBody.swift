import Foundation
import NIOCore

/// Request bodies for tests: JSON objects of strings, or raw text and bytes.
enum JSONBody {
    /// `fields` encoded as a JSON object.
    static func object(_ fields: [String: String]) -> ByteBuffer {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return ByteBuffer(bytes: (try? encoder.encode(fields)) ?? Data())
    }

    /// `text` as UTF-8 bytes, sent as is.
    static func raw(_ text: String) -> ByteBuffer {
        ByteBuffer(string: text)
    }

    /// Arbitrary bytes, for invalid UTF-8.
    static func bytes(_ bytes: [UInt8]) -> ByteBuffer {
        ByteBuffer(bytes: bytes)
    }
}
