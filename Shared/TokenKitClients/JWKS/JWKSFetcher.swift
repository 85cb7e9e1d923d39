import TokenKit

/// Fetches the auth service's published keys.
public protocol JWKSFetcher: Sendable {
    func fetch() async throws -> JWKSDocument
}
