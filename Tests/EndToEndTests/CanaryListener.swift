import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A TCP port on 127.0.0.1 that listens but never answers, to prove that nobody connected to it:
/// forged tokens name it in `jku` and `x5u`, and a verifier that followed them would show up here.
final class CanaryListener: Sendable {
    /// The port it listens on.
    let port: Int
    private let fd: Int32

    init() throws {
        #if canImport(Glibc)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw HarnessError("socket() failed: errno \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        guard bound == 0, listen(fd, 16) == 0 else {
            close(fd)
            throw HarnessError("bind/listen on 127.0.0.1:0 failed: errno \(errno)")
        }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        var actual = sockaddr_in()
        var actualLength = length
        _ = withUnsafeMutablePointer(to: &actual) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &actualLength) }
        }
        self.fd = fd
        self.port = Int(UInt16(bigEndian: actual.sin_port))
    }

    /// A URL on the canary port.
    func url(_ path: String) -> String {
        "http://127.0.0.1:\(self.port)\(path)"
    }

    /// How many connections are waiting to be accepted (accepting and closing each).
    func connectionsSoFar() -> Int {
        var count = 0
        while count < 1000 {
            let client = accept(self.fd, nil, nil)
            if client < 0 { break }
            close(client)
            count += 1
        }
        return count
    }

    deinit {
        close(self.fd)
    }
}
