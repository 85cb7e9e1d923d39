import Testing
import TokenKit
import TokenKitClients

/// Attacker-chosen header values never reach the log raw.
@Suite("Log-safe values")
struct LogSafeValueTests {
    /// A `kid` of the safe pattern is logged as it is.
    @Test(arguments: ["k1", "2026-01-ed25519", "AbC_def.ghi-0123456789"])
    func safeValuesAreLoggedAsTheyAre(value: String) {
        #expect(LogSafeValue.describe(value) == value)
    }

    /// Newlines, quotes, escapes, non-ASCII, empty and overlong values become their length and a hash.
    @Test(arguments: [
        "k1\nlevel=error msg=\"forged\"", "\u{1B}[31mred", "kid\"}", "ключ", "", String(repeating: "a", count: 65), "../../etc/passwd",
    ])
    func unsafeValuesAreHashed(value: String) {
        let described = LogSafeValue.describe(value)
        #expect(described.hasPrefix("unsafe(length=\(value.utf8.count),sha256="))
        #expect(described.count == "unsafe(length=\(value.utf8.count),sha256=)".count + 16)
        if !value.isEmpty { #expect(!described.contains(value)) }
    }

    /// The same value always gets the same description, so repeats can be matched.
    @Test func descriptionIsStable() {
        #expect(LogSafeValue.describe("a\nb") == LogSafeValue.describe("a\nb"))
        #expect(LogSafeValue.describe("a\nb") != LogSafeValue.describe("a\nc"))
    }
}
