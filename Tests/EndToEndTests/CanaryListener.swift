import Foundation
import TestSupport

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
        let (fd, port) = try LoopbackSocket.bound()
        guard listen(fd, 16) == 0 else {
            close(fd)
            throw HarnessError("listen on 127.0.0.1:\(port) failed: errno \(errno)")
        }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        self.fd = fd
        self.port = port
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
