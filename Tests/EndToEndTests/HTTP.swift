import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import TestSupport

/// Sends requests to the services with `HTTPClient.shared`, with bearer, cookie-jar and JSON helpers.
enum HTTP {
    /// A request method.
    enum Method: String, Sendable {
        case get = "GET"
        case post = "POST"
        case put = "PUT"
        case patch = "PATCH"
        case delete = "DELETE"
        case head = "HEAD"
    }

    /// The most any response body may be.
    static let maximumResponseBytes = 4 * 1024 * 1024

    /// Sends one request and reads the whole response.
    ///
    /// - Parameters:
    ///   - bearer: an access token for `Authorization: Bearer`.
    ///   - jar: cookies to send (by path) and to update from `Set-Cookie`.
    ///   - json: a JSON body (`Content-Type: application/json`).
    ///   - body: a raw body, sent with `contentType` when given.
    static func send(
        _ method: Method,
        _ url: String,
        bearer: String? = nil,
        jar: CookieJar? = nil,
        headers: [String: String] = [:],
        json: JSONValue? = nil,
        body: Data? = nil,
        contentType: String? = nil,
        timeout: Duration = .seconds(15)
    ) async throws -> TestResponse {
        var request = HTTPClientRequest(url: url)
        request.method = HTTPMethod(rawValue: method.rawValue)
        if let bearer {
            request.headers.add(name: "Authorization", value: "Bearer \(bearer)")
        }
        if let jar, let path = URL(string: url)?.path, let cookie = jar.cookieHeader(forPath: path.isEmpty ? "/" : path) {
            request.headers.add(name: "Cookie", value: cookie)
        }
        for (name, value) in headers {
            request.headers.add(name: name, value: value)
        }
        if let json {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: try json.encoded()))
        } else if let body {
            if let contentType {
                request.headers.add(name: "Content-Type", value: contentType)
            }
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        let started = ContinuousClock.now
        let (seconds, attoseconds) = timeout.components
        let response = try await HTTPClient.shared.execute(
            request,
            timeout: .milliseconds(seconds * 1000 + attoseconds / 1_000_000_000_000_000)
        )
        let buffer = try await response.body.collect(upTo: self.maximumResponseBytes)
        let result = TestResponse(
            status: Int(response.status.code),
            headers: response.headers.map { TestResponse.HeaderField(name: $0.name, value: $0.value) },
            body: Data(buffer.readableBytesView),
            duration: ContinuousClock.now - started
        )
        jar?.receive(result)
        return result
    }
}
