/// Incremental parser for `text/event-stream` (the WHATWG rules that matter here): lines end in
/// LF or CRLF, `event:` and `data:` fields accumulate, a blank line dispatches, `:` lines are comments.
struct ServerSentEventParser {
    /// One dispatched event.
    struct Event: Equatable {
        var name: String
        var data: String
    }

    private var buffer: [UInt8] = []
    private var eventName = ""
    private var dataLines: [String] = []
    /// Refuses to buffer an endless line from a misbehaving peer.
    private let maximumLineLength = 64 * 1024

    /// Feeds bytes and returns the events they complete.
    mutating func consume(_ bytes: some Sequence<UInt8>) throws(ServerSentEventError) -> [Event] {
        var events: [Event] = []
        for byte in bytes {
            if byte == UInt8(ascii: "\n") {
                if self.buffer.last == UInt8(ascii: "\r") { self.buffer.removeLast() }
                if let event = self.line(String(decoding: self.buffer, as: UTF8.self)) { events.append(event) }
                self.buffer.removeAll(keepingCapacity: true)
            } else {
                self.buffer.append(byte)
                if self.buffer.count > self.maximumLineLength { throw .lineTooLong }
            }
        }
        return events
    }

    private mutating func line(_ line: String) -> Event? {
        if line.isEmpty {
            defer {
                self.eventName = ""
                self.dataLines = []
            }
            guard !self.dataLines.isEmpty || !self.eventName.isEmpty else { return nil }
            return Event(name: self.eventName.isEmpty ? "message" : self.eventName, data: self.dataLines.joined(separator: "\n"))
        }
        if line.hasPrefix(":") { return nil }
        let parts = line.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        let field = String(parts[0])
        var value = parts.count == 2 ? String(parts[1]) : ""
        if value.hasPrefix(" ") { value.removeFirst() }
        switch field {
        case "event": self.eventName = value
        case "data": self.dataLines.append(value)
        default: break
        }
        return nil
    }
}

/// The event stream broke the parser's limits.
enum ServerSentEventError: Error {
    case lineTooLong
}
