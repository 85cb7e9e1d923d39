import Dispatch
import Foundation
import TestSupport

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Sends bytes exactly as given over a plain TCP connection to 127.0.0.1, for requests an HTTP
/// client library would refuse or normalize: raw `../` segments, invalid UTF-8 in a path, huge
/// header lines. The request should say `Connection: close`; the answer is read until the server
/// closes or `timeout` passes.
enum RawHTTP {
    /// What came back: the status of the first response line (nil when there was none) and all bytes.
    struct Answer: Sendable {
        let status: Int?
        let bytes: [UInt8]

        var text: String { String(decoding: self.bytes, as: UTF8.self) }

        /// The whole answer as a ``TestResponse`` (headers and body split), when it has a status.
        var response: TestResponse? {
            guard let status else { return nil }
            let text = self.text
            let parts = text.components(separatedBy: "\r\n\r\n")
            let headLines = parts[0].components(separatedBy: "\r\n").dropFirst()
            let headers = headLines.compactMap { line -> TestResponse.HeaderField? in
                guard let colon = line.firstIndex(of: ":") else { return nil }
                return TestResponse.HeaderField(
                    name: String(line[..<colon]),
                    value: line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                )
            }
            let body = parts.dropFirst().joined(separator: "\r\n\r\n")
            return TestResponse(status: status, headers: Array(headers), body: Data(body.utf8), duration: .zero)
        }
    }

    /// Sends `request` to 127.0.0.1:`port` and reads the answer.
    static func send(port: Int, request: [UInt8], timeout: Duration = .seconds(10)) async throws -> Answer {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try self.exchange(port: port, request: request, timeout: timeout) })
            }
        }
    }

    /// A request line, headers (with `Host` and `Connection: close` added) and a body, as bytes.
    static func request(
        _ method: String,
        target: [UInt8],
        headers: [(String, String)] = [],
        body: [UInt8] = []
    ) -> [UInt8] {
        var head = Array("\(method) ".utf8) + target + Array(" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n".utf8)
        for (name, value) in headers {
            head += Array("\(name): \(value)\r\n".utf8)
        }
        if !body.isEmpty || ["POST", "PUT", "PATCH"].contains(method) {
            head += Array("Content-Length: \(body.count)\r\n".utf8)
        }
        return head + Array("\r\n".utf8) + body
    }

    private static func exchange(port: Int, request: [UInt8], timeout: Duration) throws -> Answer {
        let fd = try LoopbackSocket.make()
        defer { close(fd) }
        var tv = timeval(tv_sec: Int(timeout.components.seconds), tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        try LoopbackSocket.connect(fd, port: port)
        var sent = 0
        while sent < request.count {
            let count = request[sent...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if count <= 0 { break }  // the server may close early (e.g. a header too large): read what it said
            sent += count
        }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while received.count < 8 * 1024 * 1024 {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count <= 0 { break }
            received += buffer[0..<count]
        }
        return Answer(status: self.status(of: received), bytes: received)
    }

    private static func status(of bytes: [UInt8]) -> Int? {
        let line = String(decoding: bytes.prefix(64), as: UTF8.self)
        guard line.hasPrefix("HTTP/1.") else { return nil }
        let parts = line.split(separator: " ")
        return parts.count > 1 ? Int(parts[1]) : nil
    }
}
