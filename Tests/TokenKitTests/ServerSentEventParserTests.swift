import Testing
import TokenKit

@testable import TokenKitClients

/// The `text/event-stream` parser the revocation feed client reads with.
@Suite("Server-sent event parser")
struct ServerSentEventParserTests {
    /// Feeds `text` in one piece.
    func events(_ text: String) throws -> [ServerSentEventParser.Event] {
        var parser = ServerSentEventParser()
        return try parser.consume(Array(text.utf8))
    }

    /// A named event with one data line is dispatched at the blank line.
    @Test func namedEvent() throws {
        #expect(try self.events("event: revoked\ndata: {\"seq\":1}\n\n") == [.init(name: "revoked", data: "{\"seq\":1}")])
    }

    /// CRLF line ends, comments, `id:` and unknown fields are handled; data lines join with newlines.
    @Test func crlfCommentsAndMultilineData() throws {
        let text = ": comment\r\nid: 7\r\nevent: heartbeat\r\ndata: a\r\ndata: b\r\nretry: 10\r\n\r\n"
        #expect(try self.events(text) == [.init(name: "heartbeat", data: "a\nb")])
    }

    /// An event split across many buffers, even inside a line, comes out whole and once.
    @Test func splitAcrossBuffers() throws {
        var parser = ServerSentEventParser()
        var events: [ServerSentEventParser.Event] = []
        for byte in Array("event: revoked\ndata: {\"seq\":2}\n\nevent: heartbeat\ndata: {}\n\n".utf8) {
            events += try parser.consume([byte])
        }
        #expect(events == [.init(name: "revoked", data: "{\"seq\":2}"), .init(name: "heartbeat", data: "{}")])
    }

    /// An event without `event:` is a `message`; blank lines alone dispatch nothing.
    @Test func defaultsAndEmptyDispatch() throws {
        #expect(try self.events("\n\ndata: x\n\n") == [.init(name: "message", data: "x")])
    }

    /// A peer that never ends its line is cut off instead of filling memory.
    @Test func endlessLineIsRefused() {
        var parser = ServerSentEventParser()
        #expect(throws: ServerSentEventError.self) {
            _ = try parser.consume([UInt8](repeating: UInt8(ascii: "a"), count: 70 * 1024))
        }
    }
}
