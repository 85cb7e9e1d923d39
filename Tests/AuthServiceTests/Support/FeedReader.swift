import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import TestSupport
import Testing

/// Reads auth's revocation feed over a real connection, event by event, as a resource service would.
struct FeedReader {
    /// One event of the stream.
    struct Event: Equatable {
        let name: String
        let data: String
    }

    private var iterator: HTTPClientResponse.Body.AsyncIterator
    private var pending = ""
    /// Every event read so far.
    private(set) var events: [Event] = []

    /// Opens the feed at `port` with `after` and the given Basic credentials; returns the response status
    /// and, for a 200, a reader.
    static func open(port: Int, after: String?, credentials: String?) async throws -> (status: UInt, reader: FeedReader?) {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/internal/v1/revocations" + (after.map { "?after=\($0)" } ?? ""))
        if let credentials {
            request.headers.add(name: "Authorization", value: "Basic " + Data(credentials.utf8).base64EncodedString())
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        guard response.status == .ok else { return (response.status.code, nil) }
        #expect(response.headers["Content-Type"].first == "text/event-stream")
        return (response.status.code, FeedReader(iterator: response.body.makeAsyncIterator()))
    }

    private init(iterator: HTTPClientResponse.Body.AsyncIterator) {
        self.iterator = iterator
    }

    /// Reads until an event satisfies `condition` and returns it; fails after `limit` events.
    mutating func next(where condition: (Event) -> Bool, limit: Int = 200) async throws -> Event {
        for _ in 0..<limit {
            let event = try await self.nextEvent()
            if condition(event) { return event }
        }
        throw TestSetupError("no matching feed event within \(limit) events: \(self.events)")
    }

    private mutating func nextEvent() async throws -> Event {
        while true {
            if let range = self.pending.range(of: "\n\n") {
                let block = self.pending[..<range.lowerBound]
                self.pending.removeSubrange(..<range.upperBound)
                var name = "message"
                var data: [String] = []
                for line in block.split(separator: "\n") {
                    if line.hasPrefix("event: ") { name = String(line.dropFirst(7)) }
                    if line.hasPrefix("data: ") { data.append(String(line.dropFirst(6))) }
                }
                let event = Event(name: name, data: data.joined(separator: "\n"))
                self.events.append(event)
                return event
            }
            guard let buffer = try await self.iterator.next() else { throw TestSetupError("the feed ended") }
            self.pending += String(buffer: buffer)
        }
    }
}
