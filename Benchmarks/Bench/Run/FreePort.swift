#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Free TCP ports on 127.0.0.1, picked as Scripts/lib/ports.sh picks them: at random in 20000–31999, below the
/// kernel's ephemeral range, so that an outgoing connection is unlikely to take one between this check and the
/// service's own bind.
enum FreePort {
    /// A port nothing holds (a bind succeeds) and that is not in `taken`.
    static func pick(avoiding taken: Set<Int> = []) throws -> Int {
        for _ in 0..<100 {
            let port = Int.random(in: 20000...31999)
            if !taken.contains(port), Self.canBind(port) { return port }
        }
        throw BenchError("no free TCP port on 127.0.0.1 after 100 tries")
    }

    private static func canBind(_ port: Int) -> Bool {
        #if canImport(Glibc)
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let descriptor = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr = in_addr(s_addr: inet_addr("127.0.0.1"))
        let bound = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        return bound == 0
    }
}
