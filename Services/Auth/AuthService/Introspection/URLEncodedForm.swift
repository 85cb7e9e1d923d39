import Foundation

/// The fields of an `application/x-www-form-urlencoded` body; a repeated field keeps its first value.
struct URLEncodedForm: Sendable {
    private var fields: [String: String] = [:]

    init(_ body: String) {
        for pair in body.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = Self.decode(parts[0]) else { continue }
            let value = parts.count == 2 ? Self.decode(parts[1]) : ""
            if self.fields[name] == nil, let value {
                self.fields[name] = value
            }
        }
    }

    subscript(name: String) -> String? { self.fields[name] }

    private static func decode(_ text: Substring) -> String? {
        // Most values (a JWT is all base64url and dots) have nothing to decode: skip Foundation's
        // replacing and percent-decoding, which cost a tenth of an introspection's CPU.
        if !text.utf8.contains(where: { $0 == UInt8(ascii: "%") || $0 == UInt8(ascii: "+") }) { return String(text) }
        return text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
    }
}
