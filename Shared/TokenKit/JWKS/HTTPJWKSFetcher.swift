import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// Fetches `GET {AUTH_URL}/.well-known/jwks.json` with async-http-client.
public struct HTTPJWKSFetcher: JWKSFetcher {
    private let url: String
    private let httpClient: HTTPClient
    private let timeout: TimeAmount

    public init(authURL: String, httpClient: HTTPClient, timeout: TimeAmount = .seconds(5)) {
        self.url = authURL.trimmingSuffix("/") + "/.well-known/jwks.json"
        self.httpClient = httpClient
        self.timeout = timeout
    }

    public func fetch() async throws -> JWKSDocument {
        var request = HTTPClientRequest(url: self.url)
        request.headers.add(name: "Accept", value: "application/json")
        let response = try await self.httpClient.execute(request, timeout: self.timeout)
        let body = try await response.body.collect(upTo: 64 * 1024)
        guard response.status == .ok else { throw JWKSError.unexpectedStatus(Int(response.status.code)) }
        guard let keySet = try? JSONDecoder().decode(JSONWebKeySet.self, from: Data(body.readableBytesView)) else {
            throw JWKSError.malformedDocument
        }
        return JWKSDocument(keySet: keySet, maxAgeSeconds: Self.maxAge(response.headers["Cache-Control"].first))
    }

    /// Reads `max-age=N` from a `Cache-Control` value.
    static func maxAge(_ cacheControl: String?) -> Int? {
        guard let cacheControl else { return nil }
        for directive in cacheControl.split(separator: ",") {
            let parts = directive.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if parts.count == 2, parts[0].lowercased() == "max-age", let seconds = Int(parts[1]), seconds >= 0 {
                return seconds
            }
        }
        return nil
    }
}

extension String {
    func trimmingSuffix(_ suffix: String) -> String {
        var result = self
        while result.hasSuffix(suffix) { result.removeLast(suffix.count) }
        return result
    }
}
