import Foundation
import Hummingbird

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
        if let authorization = request.headers[.authorization] {
            let parts = authorization.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
            if let scheme = parts.first, scheme.lowercased() == "bearer" {
                self.token = parts.count == 2 ? parts[1].trimmingCharacters(in: .whitespaces) : ""
                self.transport = .bearer
                return
            }
        }
        if let cookie = request.cookies[cookieName], !cookie.value.isEmpty {
            self.token = cookie.value
            self.transport = .cookie
            return
        }
        return nil
    }
}
