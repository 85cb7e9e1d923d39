import Foundation
import TestSupport

/// Reads (without verifying) the claims of a JWT, for timing decisions such as waiting until `exp`.
enum TokenClaims {
    /// The payload of `token` as JSON.
    static func payload(of token: String) throws -> JSONValue {
        let segments = token.split(separator: ".", omittingEmptySubsequences: false)
        guard segments.count == 3 else { throw HarnessError("not a compact JWS") }
        var base64 = segments[1].replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard let data = Data(base64Encoded: base64) else { throw HarnessError("JWT payload is not base64url") }
        return try JSONValue.parse(data)
    }

    /// The `exp` claim, in seconds since 1970.
    static func expiry(of token: String) throws -> Int {
        guard let exp = try self.payload(of: token)["exp"]?.int else { throw HarnessError("JWT has no integer exp") }
        return exp
    }
}
