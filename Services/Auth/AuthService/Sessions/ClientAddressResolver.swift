import Foundation

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
