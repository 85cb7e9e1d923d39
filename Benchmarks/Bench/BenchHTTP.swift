import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// A small JSON-over-HTTP client for seeding and driving the stack, on one pooled keep-alive client.
struct BenchHTTP: Sendable {
    /// An answer: status and body bytes.
    struct Answer: Sendable {
        let status: Int
        let body: Data

        /// The body as a JSON object.
        func object() throws -> [String: Any] {
            guard let object = try JSONSerialization.jsonObject(with: self.body) as? [String: Any] else {
                throw BenchError("expected a JSON object, got: \(String(decoding: self.body, as: UTF8.self).prefix(200))")
            }
            return object
        }
    }

    let client: HTTPClient

    init(connections: Int = 64) {
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(connect: .seconds(5), read: .seconds(30))
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: connections)
        self.client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    func shutdown() async {
        try? await self.client.shutdown()
    }

    /// Sends a request, with a JSON body when `json` is given, and collects the answer within `timeout`.
    func send(
        _ method: HTTPMethod,
        _ url: String,
        json: [String: Any]? = nil,
        bearer: String? = nil,
        headers extra: [(String, String)] = [],
        timeout: TimeAmount = .seconds(30)
    ) async throws -> Answer {
        var request = HTTPClientRequest(url: url)
        request.method = method
        if let bearer { request.headers.add(name: "Authorization", value: "Bearer " + bearer) }
        if let json {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: json)))
        }
        for (name, value) in extra { request.headers.add(name: name, value: value) }
        let response = try await self.client.execute(request, timeout: timeout)
        let body = try await response.body.collect(upTo: 1 << 20)
        return Answer(status: Int(response.status.code), body: Data(body.readableBytesView))
    }

    /// Like ``send(_:_:json:bearer:headers:)`` but requires `status`.
    func expect(
        _ status: Int,
        _ method: HTTPMethod,
        _ url: String,
        json: [String: Any]? = nil,
        bearer: String? = nil
    ) async throws -> Answer {
        let answer = try await self.send(method, url, json: json, bearer: bearer)
        guard answer.status == status else {
            throw BenchError(
                "\(method) \(url): expected \(status), got \(answer.status): \(String(decoding: answer.body, as: UTF8.self).prefix(300))"
            )
        }
        return answer
    }
}

/// Runs `body` with a client, and shuts the client down afterwards, whatever happened.
func withBenchHTTP<Result>(connections: Int = 64, _ body: (BenchHTTP) async throws -> Result) async throws -> Result {
    let http = BenchHTTP(connections: connections)
    do {
        let result = try await body(http)
        await http.shutdown()
        return result
    } catch {
        await http.shutdown()
        throw error
    }
}

/// Runs `body` for each of `items` with at most `width` running at once, in order of the items.
func forEachConcurrently<Item: Sendable, Result: Sendable>(
    _ items: [Item],
    width: Int,
    _ body: @escaping @Sendable (Item) async throws -> Result
) async throws -> [Result] {
    try await withThrowingTaskGroup(of: (Int, Result).self) { group in
        var results = [Result?](repeating: nil, count: items.count)
        var next = 0
        while next < min(width, items.count) {
            let index = next
            group.addTask { (index, try await body(items[index])) }
            next += 1
        }
        while let (index, result) = try await group.next() {
            results[index] = result
            if next < items.count {
                let index = next
                group.addTask { (index, try await body(items[index])) }
                next += 1
            }
        }
        return results.map { $0! }
    }
}
