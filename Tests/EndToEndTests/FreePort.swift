import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Picks free TCP ports on 127.0.0.1 by binding a socket to port 0 and reading the port back.
///
/// A port is handed out at most once per test process, so parallel stacks never get the same one.
enum FreePort {
    private static let handedOut = Mutex<Set<Int>>([])

    /// A port that was free a moment ago and that no other stack of this process has been given.
    static func pick() throws -> Int {
        for _ in 0..<100 {
            let port = try self.bindAndRelease()
            if self.handedOut.withLock({ $0.insert(port).inserted }) { return port }
        }
        throw HarnessError("no fresh free port after 100 tries")
    }

    private static func bindAndRelease() throws -> Int {
        #if canImport(Glibc)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw HarnessError("socket() failed: errno \(errno)") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        guard bound == 0 else { throw HarnessError("bind(127.0.0.1:0) failed: errno \(errno)") }
        var actual = sockaddr_in()
        var actualLength = length
        let named = withUnsafeMutablePointer(to: &actual) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &actualLength) }
        }
        guard named == 0 else { throw HarnessError("getsockname() failed: errno \(errno)") }
        return Int(UInt16(bigEndian: actual.sin_port))
    }
}
