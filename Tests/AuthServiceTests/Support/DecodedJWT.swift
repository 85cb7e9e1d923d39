import Foundation
import TestSupport

/// The header and claims of a compact JWS, decoded without checking anything.
struct DecodedJWT: Sendable {
    let header: JSONValue
    let claims: JSONValue
    /// The claims' JSON as the token carries it.
    let claimsText: String

    init(_ token: String) throws {
        let segments = token.split(separator: ".", omittingEmptySubsequences: false)
        guard segments.count == 3,
            let header = Base64URLText.decode(String(segments[0])),
            let claims = Base64URLText.decode(String(segments[1]))
        else { throw TestSetupError("not a compact JWS: \(token.prefix(40))…") }
        self.header = try JSONValue.parse(header)
        self.claims = try JSONValue.parse(claims)
        self.claimsText = String(decoding: claims, as: UTF8.self)
    }

    /// Whether `token` looks like a JWT at all: three segments whose first decodes to a JSON object.
    static func isJWT(_ token: String) -> Bool {
        guard let jwt = try? DecodedJWT(token) else { return false }
        return !jwt.header.keys.isEmpty
    }
}
