import HTTPTypes
import Testing
import TokenKit
import TokenKitHummingbird

/// The building blocks of the CSRF rule: which methods need it, the hash, the comparison.
@Suite("CSRF protection")
struct CSRFProtectionTests {
    /// POST, PUT, PATCH and DELETE need the check; safe methods do not.
    @Test(arguments: [
        (HTTPRequest.Method.post, true), (.put, true), (.patch, true), (.delete, true),
        (.get, false), (.head, false), (.options, false),
    ])
    func unsafeMethods(method: HTTPRequest.Method, unsafe: Bool) {
        #expect(CSRFProtection.isUnsafe(method) == unsafe)
    }

    /// The hash is the unpadded base64url SHA-256 of the value's UTF-8 bytes (FIPS 180-2 "abc" vector).
    @Test func hashIsBase64URLSHA256() {
        #expect(CSRFProtection.hash(of: "abc") == "ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0")
    }

    /// The comparison is equality: same strings match, any difference or length change does not.
    @Test(arguments: [("abc", "abc", true), ("abc", "abd", false), ("abc", "ab", false), ("", "", true), ("abc", "ABC", false)])
    func constantTimeEquals(lhs: String, rhs: String, equal: Bool) {
        #expect(CSRFProtection.constantTimeEquals(lhs, rhs) == equal)
    }

    /// The header is named `X-CSRF-Token`.
    @Test func headerName() {
        #expect(CSRFProtection.headerName.canonicalName == "x-csrf-token")
    }
}
