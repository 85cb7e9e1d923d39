import Crypto
import Logging
import TokenKit

/// Log metadata for values a client chose (a `kid`, a header): logged as they are only when they
/// match a safe pattern, otherwise as their length and a hash prefix.
///
/// A raw attacker-chosen value could forge log lines (newlines, quotes, ANSI escapes), break JSON
/// log parsers, or fill the log; its length and hash still let an operator match repeated values.
public enum LogSafeValue {
    /// The longest value logged as it is.
    public static let maximumRawLength = 64

    /// The value itself when it is 1–64 characters of `[A-Za-z0-9._-]`, else `unsafe(length=N,sha256=<16 hex>)`.
    public static func metadata(_ value: some StringProtocol) -> Logger.MetadataValue {
        .string(self.describe(value))
    }

    /// ``metadata(_:)`` as a string.
    public static func describe(_ value: some StringProtocol) -> String {
        let bytes = Array(value.utf8)
        if !bytes.isEmpty, bytes.count <= self.maximumRawLength, bytes.allSatisfy(self.isSafe) {
            return String(value)
        }
        let digest = SHA256.hash(data: bytes).prefix(8).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }
        return "unsafe(length=\(bytes.count),sha256=\(digest.joined()))"
    }

    private static func isSafe(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        case UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"):
            true
        default:
            false
        }
    }
}
