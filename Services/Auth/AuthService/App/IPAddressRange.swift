import Foundation

/// An IPv4 or IPv6 address range in CIDR notation (`10.0.0.0/8`, `::1/128`, or a bare address).
public struct IPAddressRange: Sendable, Equatable {
    let network: [UInt8]
    let prefixLength: Int

    /// Nil for anything but an address with an optional `/prefix` (`/` alone and `10.0.0.1/` included).
    public init?(cidr: String) {
        let parts = cidr.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        guard let address = Self.parse(parts[0]) else { return nil }
        let bits = address.count * 8
        let prefix: Int
        if parts.count == 2 {
            guard let value = Int(parts[1]), (0...bits).contains(value) else { return nil }
            prefix = value
        } else {
            prefix = bits
        }
        self.network = address
        self.prefixLength = prefix
    }

    /// Whether `address` (textual) lies in this range. Addresses of the other family never match,
    /// except IPv4-mapped IPv6 addresses, which match as IPv4.
    public func contains(_ address: String) -> Bool {
        guard var bytes = Self.parse(address) else { return false }
        if bytes.count == 16, self.network.count == 4, bytes[0..<12] == [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF] {
            bytes = Array(bytes[12...])
        }
        guard bytes.count == self.network.count else { return false }
        var remaining = self.prefixLength
        for index in bytes.indices where remaining > 0 {
            let take = min(8, remaining)
            let mask = UInt8(truncatingIfNeeded: 0xFF << (8 - take))
            if bytes[index] & mask != self.network[index] & mask { return false }
            remaining -= take
        }
        return true
    }

    /// The 4 or 16 bytes of a textual IPv4 or IPv6 address.
    static func parse(_ text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            return withUnsafeBytes(of: &v4) { Array($0) }
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 {
            return withUnsafeBytes(of: &v6) { Array($0) }
        }
        return nil
    }
}
