import Foundation
import Testing
import TokenKit

/// ``Base64URL`` is strict, unpadded, URL-safe base64 with exactly one spelling per value.
@Suite("Base64URL")
struct Base64URLTests {
    /// Random bytes of every length from 0 to 64 survive a round trip and match Foundation's base64.
    @Test(arguments: 0...64)
    func roundTrip(length: Int) throws {
        let bytes = (0..<length).map { _ in UInt8.random(in: 0...255) }
        let encoded = Base64URL.encode(bytes)
        let foundation = Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")

        #expect(encoded == foundation)
        #expect(Base64URL.decode(encoded) == bytes)
    }

    /// The RFC 4648 test vectors, without padding.
    @Test(arguments: [
        ("", ""), ("f", "Zg"), ("fo", "Zm8"), ("foo", "Zm9v"), ("foob", "Zm9vYg"), ("fooba", "Zm9vYmE"), ("foobar", "Zm9vYmFy"),
    ])
    func rfc4648Vectors(plain: String, encoded: String) {
        #expect(Base64URL.encode(Array(plain.utf8)) == encoded)
        #expect(Base64URL.decode(encoded) == Array(plain.utf8))
    }

    /// The URL-safe alphabet uses `-` and `_` where standard base64 uses `+` and `/`.
    @Test func urlSafeAlphabet() {
        #expect(Base64URL.encode([0xFB, 0xFF, 0xBF]) == "-_-_")
        #expect(Base64URL.decode("-_-_") == [0xFB, 0xFF, 0xBF])
    }

    /// Padding, the standard alphabet's `+` and `/`, white space and other characters are refused.
    @Test(arguments: ["Zg==", "Zg=", "Zm8=", "+_-_", "-/-_", "Zm 9v", " Zm9v", "Zm9v\n", "Zm9v\t", "Zm9v.", "Zm9v%", "Zm9vé", "Zm9\u{0}"])
    func refusesNonAlphabet(input: String) {
        #expect(Base64URL.decode(input) == nil)
    }

    /// A length of 1 modulo 4 can never be a complete encoding.
    @Test(arguments: ["A", "AAAAA", "Zm9vY", "Zm9vYmFyZ"])
    func refusesLengthOneModFour(input: String) {
        #expect(Base64URL.decode(input) == nil)
    }

    /// For every single byte, only the spelling with zero trailing bits decodes.
    @Test func refusesNonCanonicalTrailingBitsOfOneByte() throws {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        for byte in UInt8.min...UInt8.max {
            let canonical = Base64URL.encode([byte])
            let last = try #require(alphabet.firstIndex(of: canonical.last!))
            for low in 1..<16 {
                let spelling = String(canonical.first!) + String(alphabet[last | low])
                #expect(Base64URL.decode(spelling) == nil, "\(spelling) should not decode")
            }
            #expect(Base64URL.decode(canonical) == [byte])
        }
    }

    /// For two bytes, the two unused trailing bits must be zero.
    @Test(arguments: ["Zm9", "Zm-", "AAB", "AAC", "AAD"])
    func refusesNonCanonicalTrailingBitsOfTwoBytes(input: String) {
        #expect(Base64URL.decode(input) == nil)
    }
}
