import ArgumentParser
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import TokenKitClients

/// `latchkey-bench probe`: one client asking `auth`'s introspection endpoint again and again, one request at a
/// time, through AsyncHTTPClient's async API (as ``TokenKit/IntrospectionClient`` does) and through its
/// future-based API, to tell the client's share of a session check from `auth`'s. Prints p50 and p99.
struct ProbeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "probe",
        abstract: "One client's introspection latency, AsyncHTTPClient's async against its future API."
    )

    @Option(help: "auth's introspection URL (…/internal/v1/introspect).")
    var url: String

    @Option(help: "An introspection client's ID:SECRET.")
    var credentials: String

    @Option(help: "An access token to introspect.")
    var token: String

    @Option(help: "Requests per sample.")
    var count = 2000

    private var basic: String { "Basic " + Data(self.credentials.utf8).base64EncodedString() }

    func run() async throws {
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        do {
            for _ in 0..<2 {
                try await self.report("async API ", self.sample(client, future: false))
                try await self.report("future API", self.sample(client, future: true))
            }
            try await client.shutdown()
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    private func sample(_ client: HTTPClient, future: Bool) async throws -> [Double] {
        var latencies: [Double] = []
        let body = "token=" + self.token
        for _ in 0..<self.count {
            let started = ContinuousClock.now
            if future {
                var headers = HTTPHeaders()
                headers.add(name: "Authorization", value: self.basic)
                headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
                let request = try HTTPClient.Request(url: self.url, method: .POST, headers: headers, body: .string(body))
                let response = try await client.execute(request: request).get()
                guard response.status == .ok else { throw BenchError("status \(response.status)") }
            } else {
                var request = HTTPClientRequest(url: self.url)
                request.method = .POST
                request.headers.add(name: "Authorization", value: self.basic)
                request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
                request.body = .bytes(ByteBuffer(string: body))
                let response = try await client.execute(request, timeout: .seconds(5))
                _ = try await response.body.collect(upTo: 16 * 1024)
                guard response.status == .ok else { throw BenchError("status \(response.status)") }
            }
            latencies.append((ContinuousClock.now - started).milliseconds)
        }
        return latencies.sorted()
    }

    private func report(_ name: String, _ sorted: [Double]) async throws {
        print("\(name): p50 \(String(format: "%.3f", percentile(sorted, 50))) ms, p99 \(String(format: "%.3f", percentile(sorted, 99))) ms")
    }
}
