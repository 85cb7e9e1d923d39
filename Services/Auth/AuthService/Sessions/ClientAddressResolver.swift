import Foundation
import Hummingbird
import NIOCore
import ServiceSupport

/// Finds the client's address: the peer, unless the peer is a trusted proxy, in which case the
/// nearest untrusted address of `X-Forwarded-For` (read from the right, as each proxy appends).
struct ClientAddressResolver: Sendable {
    let trustedProxies: [IPAddressRange]

    func clientAddress(peer: String?, forwardedFor: [String]) -> String {
        guard let peer else { return "unknown" }
        guard self.isTrusted(peer) else { return peer }
        let hops = forwardedFor.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        for hop in hops.reversed() where !self.isTrusted(hop) {
            // An entry that is not an address at all is refused as a client name.
            return IPAddressRange.parse(hop) != nil ? hop : peer
        }
        return hops.first ?? peer
    }

    private func isTrusted(_ address: String) -> Bool {
        self.trustedProxies.contains { $0.contains(address) }
    }
}

extension ClientAddressResolver {
    /// Where a request came from, for its sessions and security events: the client's address and
    /// its user agent (at most 512 characters).
    func origin(of request: Request, peer: SocketAddress?, sessionID: UUID? = nil) -> EventOrigin {
        EventOrigin(
            sessionID: sessionID,
            ip: self.clientAddress(peer: peer?.ipAddress, forwardedFor: request.headers[values: .xForwardedFor]),
            userAgent: request.headers[.userAgent].map { String($0.prefix(512)) }
        )
    }
}
