import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Picks free TCP ports on 127.0.0.1 for the services a test starts.
///
/// The ports come from below the kernel's ephemeral range (`ip_local_port_range`), so no socket that
/// binds port 0 (an in-process test server, a client's outgoing connection) can take one between the
/// pick and the service's own bind: that race once stopped an auth replica with "Address already in
/// use" in the full suite. A port is handed out at most once per test process, and only after a bind
/// to it succeeded.
package enum FreePort {
    private static let handedOut = Mutex<Set<Int>>([])

    /// The ports below the ephemeral range that the picks draw from.
    private static let range: Range<Int> = {
        let ephemeralStart =
            (try? String(contentsOfFile: "/proc/sys/net/ipv4/ip_local_port_range", encoding: .utf8))
            .flatMap { $0.split(whereSeparator: \.isWhitespace).first.flatMap { Int($0) } } ?? 32_768
        return 10_000..<max(ephemeralStart, 12_000)
    }()

    /// A port that was free a moment ago and that nothing else in this process has been given.
    package static func pick() throws -> Int {
        for _ in 0..<200 {
            let port = Int.random(in: self.range)
            guard self.handedOut.withLock({ !$0.contains(port) }), let fd = try? LoopbackSocket.bound(port: port) else { continue }
            close(fd.fd)
            if self.handedOut.withLock({ $0.insert(port).inserted }) { return port }
        }
        throw TestSetupError("no fresh free port after 200 tries")
    }
}
