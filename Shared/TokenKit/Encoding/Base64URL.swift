/// Strict base64url without padding (RFC 4648 §5), as JWS and our opaque tokens use it.
///
/// Decoding refuses padding, white space and any character outside the URL-safe alphabet, and
/// refuses encodings whose unused trailing bits are not zero, so every value has one spelling.
public enum Base64URL {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    private static let decodeTable: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (index, character) in alphabet.enumerated() {
            table[Int(character)] = UInt8(index)
        }
        return table
    }()

    /// Encodes bytes.
    public static func encode<Bytes: Collection>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        var output = [UInt8]()
        output.reserveCapacity((bytes.count * 4 + 2) / 3)
        var iterator = bytes.makeIterator()
        while let first = iterator.next() {
            let second = iterator.next()
            let third = iterator.next()
            output.append(alphabet[Int(first >> 2)])
            output.append(alphabet[Int((first & 0x03) << 4 | (second ?? 0) >> 4)])
            if let second {
                output.append(alphabet[Int((second & 0x0F) << 2 | (third ?? 0) >> 6)])
            }
            if let third {
                output.append(alphabet[Int(third & 0x3F)])
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Decodes a string, or returns nil when it is not canonical unpadded base64url.
    public static func decode(_ string: some StringProtocol) -> [UInt8]? {
        self.decode(utf8: Array(string.utf8))
    }

    /// Decodes UTF-8 bytes, or returns nil when they are not canonical unpadded base64url.
    public static func decode<Bytes: Collection>(utf8 input: Bytes) -> [UInt8]? where Bytes.Element == UInt8 {
        // Every token a service sees is decoded here (three segments): work on contiguous memory, which
        // is about five times faster than going through the generic collection.
        if let output = input.withContiguousStorageIfAvailable({ Self.decode(contiguous: $0) }) {
            return output
        }
        return Array(input).withUnsafeBufferPointer { Self.decode(contiguous: $0) }
    }

    private static func decode(contiguous input: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        if input.count % 4 == 1 { return nil }
        var valid = true
        let output = self.decodeTable.withUnsafeBufferPointer { table in
            [UInt8](unsafeUninitializedCapacity: input.count * 3 / 4) { buffer, initializedCount in
                var accumulator: UInt32 = 0
                var bits = 0
                var written = 0
                for character in input {
                    let value = table[Int(character)]
                    if value == 0xFF {
                        valid = false
                        break
                    }
                    accumulator = accumulator << 6 | UInt32(value)
                    bits += 6
                    if bits >= 8 {
                        bits -= 8
                        buffer[written] = UInt8(truncatingIfNeeded: accumulator >> UInt32(bits))
                        written += 1
                    }
                }
                // Leftover bits must be zero, or two spellings would decode to the same bytes.
                if valid && bits > 0 && accumulator & ((1 << UInt32(bits)) - 1) != 0 { valid = false }
                initializedCount = written
            }
        }
        return valid ? output : nil
    }
}
