import Foundation

/// A reader for the one JSON shape our tokens use: a flat object, no white space, no escapes, whose values
/// are strings, integers or arrays of strings (exactly what `auth` writes for a header or the claims).
///
/// It exists for speed: Foundation's `JSONDecoder` was an eighth of a full verification. It never has to be
/// right about anything else, because it refuses it: any other input (white space, an escape, a non-ASCII
/// byte, a fraction, a nested object, a repeated name, …) gives nil and the caller decodes the same bytes
/// with `JSONDecoder`. So a value it does return is the value `JSONDecoder` would have produced.
enum CompactJSON {
    /// The encoder the signer writes headers and claims with, tied to this reader: Foundation escapes
    /// `/` by default, and a `\/` in a URL issuer would send every token to the slow path.
    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return encoder
    }

    enum Value: Equatable {
        case string(String)
        case integer(Int64)
        case strings([String])
    }

    /// The members of `bytes`, or nil when `bytes` is not of the compact shape.
    static func object(_ bytes: UnsafeBufferPointer<UInt8>) -> [(name: String, value: Value)]? {
        var reader = Reader(bytes: bytes)
        guard reader.take(UInt8(ascii: "{")) else { return nil }
        var members: [(name: String, value: Value)] = []
        members.reserveCapacity(9)
        if reader.take(UInt8(ascii: "}")) { return reader.atEnd ? members : nil }
        repeat {
            guard let name = reader.string(), reader.take(UInt8(ascii: ":")), let value = reader.value() else { return nil }
            // A repeated name is left to JSONDecoder, whatever it makes of it.
            guard !members.contains(where: { $0.name == name }) else { return nil }
            members.append((name, value))
        } while reader.take(UInt8(ascii: ","))
        guard reader.take(UInt8(ascii: "}")), reader.atEnd else { return nil }
        return members
    }

    private struct Reader {
        let bytes: UnsafeBufferPointer<UInt8>
        var position = 0

        var atEnd: Bool { self.position == self.bytes.count }

        mutating func take(_ byte: UInt8) -> Bool {
            guard self.position < self.bytes.count, self.bytes[self.position] == byte else { return false }
            self.position += 1
            return true
        }

        /// A string of printable ASCII other than `"` and `\`.
        mutating func string() -> String? {
            guard self.take(UInt8(ascii: "\"")) else { return nil }
            let start = self.position
            while self.position < self.bytes.count {
                let byte = self.bytes[self.position]
                if byte == UInt8(ascii: "\"") {
                    let text = String(decoding: UnsafeBufferPointer(rebasing: self.bytes[start..<self.position]), as: UTF8.self)
                    self.position += 1
                    return text
                }
                guard byte >= 0x20, byte < 0x7F, byte != UInt8(ascii: "\\") else { return nil }
                self.position += 1
            }
            return nil
        }

        /// `-`? then 1 to 18 digits without a leading zero (so it always fits an `Int64`), and no fraction or exponent.
        mutating func integer() -> Int64? {
            let negative = self.take(UInt8(ascii: "-"))
            let start = self.position
            var value: Int64 = 0
            while self.position < self.bytes.count, self.bytes[self.position] >= UInt8(ascii: "0"), self.bytes[self.position] <= UInt8(ascii: "9") {
                // Past 18 digits the number is not ours to read; stop before the arithmetic could overflow
                // (a hostile header or payload reaches this before any signature is checked).
                guard self.position - start < 18 else { return nil }
                value = value * 10 + Int64(self.bytes[self.position] - UInt8(ascii: "0"))
                self.position += 1
            }
            let digits = self.position - start
            guard digits >= 1, digits == 1 || self.bytes[start] != UInt8(ascii: "0") else { return nil }
            if negative && value == 0 { return nil }
            return negative ? -value : value
        }

        mutating func value() -> Value? {
            guard self.position < self.bytes.count else { return nil }
            switch self.bytes[self.position] {
            case UInt8(ascii: "\""):
                return self.string().map(Value.string)
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                return self.integer().map(Value.integer)
            case UInt8(ascii: "["):
                self.position += 1
                var strings: [String] = []
                if self.take(UInt8(ascii: "]")) { return .strings(strings) }
                repeat {
                    guard let string = self.string() else { return nil }
                    strings.append(string)
                } while self.take(UInt8(ascii: ","))
                return self.take(UInt8(ascii: "]")) ? .strings(strings) : nil
            default:
                return nil
            }
        }
    }
}
