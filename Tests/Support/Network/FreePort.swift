import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Picks free TCP ports on 127.0.0.1 by binding a socket to port 0 and reading the port back.
///
/// A port is handed out at most once per test process, so parallel stacks never get the same one.
package enum FreePort {
    private static let handedOut = Mutex<Set<Int>>([])

    /// A port that was free a moment ago and that nothing else in this process has been given.
    package static func pick() throws -> Int {
        for _ in 0..<100 {
            let (fd, port) = try LoopbackSocket.bound()
            close(fd)
            if self.handedOut.withLock({ $0.insert(port).inserted }) { return port }
        }
        throw TestSetupError("no fresh free port after 100 tries")
    }
}
