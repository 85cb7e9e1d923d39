import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import TokenKit

/// Fetches `GET {AUTH_URL}/.well-known/jwks.json` with async-http-client.
///
/// The timeout bounds the whole answer, head and body: a peer that sends the head and then stalls
/// is cut off like one that never answers, so a fetch always ends and the cache can try again.
public struct HTTPJWKSFetcher: JWKSFetcher {
    /// The default bound on one fetch, from the first byte sent to the last body byte read.
    public static let defaultTimeout = Duration.seconds(5)
    /// The largest key set accepted.
    public static let maximumBodyBytes = 64 * 1024

    private let url: String
    private let httpClient: HTTPClient
    private let timeout: Duration

    public init(authURL: String, httpClient: HTTPClient, timeout: Duration = HTTPJWKSFetcher.defaultTimeout) {
        self.url = authURL.trimmingSuffix("/") + "/.well-known/jwks.json"
        self.httpClient = httpClient
        self.timeout = timeout
    }

    public func fetch() async throws -> JWKSDocument {
        var request = HTTPClientRequest(url: self.url)
        request.headers.add(name: "Accept", value: "application/json")
        let httpClient = self.httpClient
        let timeout = self.timeout
        let (status, headers, body) = try await withDeadline(timeout) { [request] in
            let response = try await httpClient.execute(request, timeout: .nanoseconds(timeout.timeAmountNanoseconds))
            return (response.status, response.headers, try await response.body.collect(upTo: Self.maximumBodyBytes))
        }
        guard status == .ok else { throw JWKSError.unexpectedStatus(Int(status.code)) }
        guard let keySet = try? JSONDecoder().decode(JSONWebKeySet.self, from: Data(body.readableBytesView)) else {
            throw JWKSError.malformedDocument
        }
        return JWKSDocument(keySet: keySet, maxAgeSeconds: Self.maxAge(headers["Cache-Control"].first))
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
