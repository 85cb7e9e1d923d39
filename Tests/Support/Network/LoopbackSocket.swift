import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Plain TCP sockets on 127.0.0.1, for the helpers that need one below any HTTP library: free ports,
/// listeners that never answer, requests sent byte for byte.
package enum LoopbackSocket {
    /// A new TCP socket; the caller closes it.
    package static func make() throws -> Int32 {
        #if canImport(Glibc)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw TestSetupError("socket() failed: errno \(errno)") }
        return fd
    }

    /// The address 127.0.0.1:`port`.
    package static func address(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }

    /// A new socket bound to 127.0.0.1 on `port` (0: a port the system picks), and that port; the caller
    /// closes it.
    package static func bound(port: Int = 0) throws -> (fd: Int32, port: Int) {
        let fd = try self.make()
        var address = self.address(port: port)
        let length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        guard bound == 0 else {
            close(fd)
            throw TestSetupError("bind(127.0.0.1:\(port)) failed: errno \(errno)")
        }
        var actual = sockaddr_in()
        var actualLength = length
        let named = withUnsafeMutablePointer(to: &actual) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &actualLength) }
        }
        guard named == 0 else {
            close(fd)
            throw TestSetupError("getsockname() failed: errno \(errno)")
        }
        return (fd, Int(UInt16(bigEndian: actual.sin_port)))
    }

    /// Connects `fd` to 127.0.0.1:`port`.
    package static func connect(_ fd: Int32, port: Int) throws {
        var address = self.address(port: port)
        let connected = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                #if canImport(Glibc)
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                #else
                Darwin.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                #endif
            }
        }
        guard connected == 0 else { throw TestSetupError("connect to 127.0.0.1:\(port) failed: errno \(errno)") }
    }
}
