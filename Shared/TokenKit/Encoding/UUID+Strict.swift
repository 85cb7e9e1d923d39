import Foundation

extension UUID {
    /// Parses the 36-character `8-4-4-4-12` hex form (either case), and nothing else.
    ///
    /// Every verified token has three UUIDs, and every path id one; Foundation's `UUID(uuidString:)` on
    /// Linux parses with `sscanf`, which was a tenth of a full verification's instructions. This is also
    /// stricter: `sscanf` lets white space and signs through.
    public init?(strict string: String) {
        var string = string
        guard let uuid = string.withUTF8({ Self.parse(utf8: $0) }) else { return nil }
        self = uuid
    }

    private static func parse(utf8: UnsafeBufferPointer<UInt8>) -> UUID? {
        guard utf8.count == 36 else { return nil }
        var bytes: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        let parsed = withUnsafeMutableBytes(of: &bytes) { output -> Bool in
            var written = 0
            var high: UInt8? = nil
            for position in 0..<36 {
                let character = utf8[position]
                if position == 8 || position == 13 || position == 18 || position == 23 {
                    guard character == UInt8(ascii: "-") else { return false }
                    continue
                }
                guard let nibble = Self.hexValue(character) else { return false }
                if let first = high {
                    output[written] = first << 4 | nibble
                    written += 1
                    high = nil
                } else {
                    high = nibble
                }
            }
            return written == 16
        }
        return parsed ? UUID(uuid: bytes) : nil
    }

    private static func hexValue(_ character: UInt8) -> UInt8? {
        switch character {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): character - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): character - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): character - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
