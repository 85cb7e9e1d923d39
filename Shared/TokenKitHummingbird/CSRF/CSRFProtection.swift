import Crypto
import HTTPTypes
import Hummingbird
import TokenKit

/// The CSRF rule for cookie-authenticated writes: double submit, bound to the session.
///
/// The `X-CSRF-Token` header must equal the csrf cookie, and the base64url SHA-256 of that value
/// must equal the hash the session was issued with (the access token's `csrf` claim, or the hash
/// `auth` stores with the session). Comparisons take constant time.
public enum CSRFProtection {
    /// The request header that carries the token.
    public static let headerName = HTTPField.Name("X-CSRF-Token")!

    /// The methods that need the check when authenticated by cookie.
    public static func isUnsafe(_ method: HTTPRequest.Method) -> Bool {
        switch method {
        case .post, .put, .patch, .delete: true
        default: false
        }
    }

    /// The hash stored with a session and carried in the `csrf` claim.
    public static func hash(of token: String) -> String {
        Base64URL.encode(Array(SHA256.hash(data: Array(token.utf8))))
    }

    /// Throws ``AccessDenied/csrfFailed`` (403) unless header, cookie and expected hash all agree.
    public static func check(_ request: Request, cookieName: String, expectedHash: String?) throws {
        guard let expectedHash,
            let header = request.headers[self.headerName],
            let cookie = request.cookies[cookieName]?.value,
            !header.isEmpty,
            constantTimeEquals(header, cookie),
            constantTimeEquals(self.hash(of: header), expectedHash)
        else {
            throw AccessDenied.csrfFailed
        }
    }

    /// Compares two strings in time that depends only on their lengths.
    public static func constantTimeEquals(_ lhs: String, _ rhs: String) -> Bool {
        let left = Array(lhs.utf8)
        let right = Array(rhs.utf8)
        guard left.count == right.count else { return false }
        var difference: UInt8 = 0
        for index in left.indices {
            difference |= left[index] ^ right[index]
        }
        return difference == 0
    }
}
