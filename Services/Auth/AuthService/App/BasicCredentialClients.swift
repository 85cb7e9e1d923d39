import Crypto
import HummingbirdAuth
import ServiceSupport
import TokenKit

/// Callers of the internal API, checked with HTTP Basic credentials: the resource services
/// (`INTROSPECTION_CLIENTS`: introspection and the feed) and operators (`ADMIN_CLIENTS`: the admin
/// API), each set its own, so neither's credentials open the other's endpoints.
///
/// Secrets are kept and compared as SHA-256 digests, in constant time: the comparison takes the
/// same time whatever the given secret's length and whether the client id exists (an unknown id is
/// compared against a random digest), so timing tells an attacker neither.
struct BasicCredentialClients: Sendable {
    private let digests: [String: [UInt8]]
    private let unknownClientDigest: [UInt8]

    init(_ secrets: [String: String]) {
        self.digests = secrets.mapValues(Self.digest)
        self.unknownClientDigest = Self.digest(String(decoding: (0..<32).map { _ in UInt8.random(in: 0...255) }, as: UTF8.self))
    }

    /// The client id when the credentials are right, else nil.
    func authenticate(_ credentials: BasicAuthentication?) -> String? {
        guard let credentials else { return nil }
        let expected = self.digests[credentials.username]
        let matches = Self.constantTimeEquals(Self.digest(credentials.password), expected ?? self.unknownClientDigest)
        return expected != nil && matches ? credentials.username : nil
    }

    /// The 401 for bad or missing credentials: a problem body only.
    static func unauthorized() -> Problem {
        Problem(.invalidCredentials, detail: "This internal endpoint needs its callers' Basic credentials.")
    }

    static func digest(_ secret: String) -> [UInt8] {
        Array(SHA256.hash(data: Array(secret.utf8)))
    }

    /// Compares two digests of equal length without stopping at the first difference.
    static func constantTimeEquals(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        var difference: UInt8 = 0
        for index in lhs.indices { difference |= lhs[index] ^ rhs[index] }
        return difference == 0
    }
}
