import Foundation
import Hummingbird
import TokenKit

/// The access token a request presents: from `Authorization: Bearer` first, else from the access cookie.
public struct PresentedAccessToken: Sendable {
    /// The token as presented; never logged.
    public let token: String
    /// Where it came from.
    public let transport: TokenTransport

    /// Nil when the request carries no access token at all. An `Authorization` header of another
    /// scheme is not ours and is ignored; a `Bearer` header with an empty token is presented as-is
    /// and fails verification.
    public init?(request: Request, cookieName: String) {
        if let authorization = request.headers[.authorization], let token = Self.bearerToken(authorization) {
            self.token = token
            self.transport = .bearer
            return
        }
        if let cookie = request.cookies[cookieName], !cookie.value.isEmpty {
            self.token = cookie.value
            self.transport = .cookie
            return
        }
        return nil
    }

    /// The token of an `Authorization` value whose scheme is `Bearer` (any case): the rest of the value
    /// without surrounding white space, possibly empty. Nil for any other scheme.
    ///
    /// Runs on every request, so the usual all-ASCII value is parsed on its UTF-8 bytes; Foundation's
    /// `trimmingCharacters(in:)` goes through UTF-16 and cost a quarter of a cached read's CPU. Other
    /// values take the general path, with the same result.
    static func bearerToken(_ value: String) -> String? {
        let utf8 = value.utf8
        guard utf8.allSatisfy({ $0 < 0x80 }) else { return Self.bearerTokenSlowly(value) }
        let space = UInt8(ascii: " ")
        let tab = UInt8(ascii: "\t")
        // The scheme: the first run of characters other than a space.
        guard let schemeStart = utf8.firstIndex(where: { $0 != space }) else { return nil }
        let schemeEnd = utf8[schemeStart...].firstIndex(of: space) ?? utf8.endIndex
        guard utf8.distance(from: schemeStart, to: schemeEnd) == 6,
            zip(utf8[schemeStart..<schemeEnd], "bearer".utf8).allSatisfy({ $0 | 0x20 == $1 })
        else { return nil }
        // The token: the rest, without leading or trailing spaces and tabs.
        let rest = utf8[schemeEnd...]
        guard let tokenStart = rest.firstIndex(where: { $0 != space && $0 != tab }) else { return "" }
        let tokenEnd = utf8.index(after: rest.lastIndex(where: { $0 != space && $0 != tab })!)
        return String(value[tokenStart..<tokenEnd])
    }

    /// ``bearerToken(_:)`` for values with non-ASCII characters (never a valid token, but still parsed alike).
    static func bearerTokenSlowly(_ value: String) -> String? {
        let parts = value.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard let scheme = parts.first, scheme.lowercased() == "bearer" else { return nil }
        return parts.count == 2 ? parts[1].trimmingCharacters(in: .whitespaces) : ""
    }
}
