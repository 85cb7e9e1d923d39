import Dispatch
import Foundation
import TestSupport

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A revocation-feed subscriber that can really stop reading: a raw socket whose receive buffer is
/// fixed at a few KiB (no autotuning), so that when the test stops reading, auth's writes block
/// after a few MiB at most and its per-stream buffer fills. (Through async-http-client the kernel
/// grows the receive buffer up to `tcp_rmem`'s 32 MiB and the client reads ahead: a burst of 40,000
/// events, 8.6 MB, then fits in buffers, and on a loaded machine it did.)
///
/// Used by one task at a time; each blocking read runs on a dispatch thread, not the test's executor.
final class SlowFeedSubscriber: @unchecked Sendable {
    /// One event of the stream.
    struct Event {
        let name: String
        let data: String
    }

    private let fd: Int32
    private var pending: [UInt8] = []
    private var body: [UInt8] = []
    private var headRead = false
    private var chunkRemaining: Int?
    /// Whether the server ended the stream (the last chunk, or the connection closed).
    private(set) var ended = false

    private init(fd: Int32) {
        self.fd = fd
    }

    deinit {
        close(self.fd)
    }

    /// Connects to auth's feed at `port` with `after` and Basic `credentials`, a 4 KiB receive buffer.
    static func open(port: Int, after: Int64, credentials: String) throws -> SlowFeedSubscriber {
        let fd = try LoopbackSocket.make()
        var size: Int32 = 4096
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        var timeout = timeval(tv_sec: 1, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        do {
            try LoopbackSocket.connect(fd, port: port)
        } catch {
            close(fd)
            throw error
        }
        let request =
            "GET /internal/v1/revocations?after=\(after) HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n"
            + "Authorization: Basic \(Data(credentials.utf8).base64EncodedString())\r\n\r\n"
        let bytes = Array(request.utf8)
        let sent = bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        guard sent == bytes.count else {
            close(fd)
            throw TestSetupError("could not send the feed request")
        }
        return SlowFeedSubscriber(fd: fd)
    }

    /// Reads what has arrived (waiting up to a second for more) and returns the complete events in it.
    func read() async -> [Event] {
        let (chunk, closed): ([UInt8], Bool) = await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                var buffer = [UInt8](repeating: 0, count: 65_536)
                let count = buffer.withUnsafeMutableBytes { recv(self.fd, $0.baseAddress, $0.count, 0) }
                if count > 0 {
                    continuation.resume(returning: (Array(buffer[0..<count]), false))
                } else {
                    // 0: the server closed; EAGAIN: nothing within the second; anything else: the connection broke.
                    let idle = count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)
                    continuation.resume(returning: ([], !idle))
                }
            }
        }
        if closed { self.ended = true }
        self.pending += chunk
        self.decode()
        return self.events()
    }

    /// Moves bytes from `pending` to `body`: skips the HTTP head, then undoes chunked transfer coding.
    private func decode() {
        var index = 0
        defer { self.pending.removeFirst(index) }
        if !self.headRead {
            guard let end = self.find([13, 10, 13, 10], in: self.pending, from: 0) else { return }
            index = end + 4
            self.headRead = true
        }
        while !self.ended {
            if let remaining = self.chunkRemaining {
                guard self.pending.count - index >= remaining + 2 else { return }
                self.body += self.pending[index..<(index + remaining)]
                index += remaining + 2
                self.chunkRemaining = nil
            } else {
                guard let lineEnd = self.find([13, 10], in: self.pending, from: index) else { return }
                let sizeText = String(decoding: self.pending[index..<lineEnd], as: UTF8.self).split(separator: ";").first ?? ""
                index = lineEnd + 2
                let size = Int(sizeText.trimmingCharacters(in: .whitespaces), radix: 16) ?? 0
                if size == 0 {
                    self.ended = true
                } else {
                    self.chunkRemaining = size
                }
            }
        }
    }

    /// The complete `text/event-stream` events in `body`, removed from it.
    private func events() -> [Event] {
        var events: [Event] = []
        var start = 0
        while let end = self.find([10, 10], in: self.body, from: start) {
            let block = String(decoding: self.body[start..<end], as: UTF8.self)
            start = end + 2
            var name = "message"
            var data: [String] = []
            for line in block.split(separator: "\n") {
                if line.hasPrefix("event: ") { name = String(line.dropFirst(7)) }
                if line.hasPrefix("data: ") { data.append(String(line.dropFirst(6))) }
            }
            events.append(Event(name: name, data: data.joined(separator: "\n")))
        }
        self.body.removeFirst(start)
        return events
    }

    /// The index of the first `needle` (one or more bytes, the first unique in it) in `haystack` at or after `from`.
    private func find(_ needle: [UInt8], in haystack: [UInt8], from: Int) -> Int? {
        haystack.withUnsafeBufferPointer { bytes in
            var index = from
            while index + needle.count <= bytes.count {
                if bytes[index] == needle[0] {
                    var match = true
                    for offset in 1..<needle.count where bytes[index + offset] != needle[offset] {
                        match = false
                        break
                    }
                    if match { return index }
                }
                index += 1
            }
            return nil
        }
    }
}
