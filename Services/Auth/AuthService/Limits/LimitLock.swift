import Crypto

/// A transaction-scoped Postgres advisory lock on one rate-limit key (an e-mail or a client address).
///
/// Counting an attempt is a read followed by a write; two attempts for the same key that both read
/// before either writes would both pass. Every auth replica takes the same lock before it counts (in
/// the database functions `reserve_login_attempt` and `reserve_signup_attempt`, one statement each),
/// so attempts for one key are counted one at a time, in the database that all replicas share.
enum LimitLock: Hashable, Sendable {
    case loginEmail(String)
    case loginClient(String)
    case signUpClient(String)

    /// The lock's 64-bit id: the first eight bytes of a SHA-256 of the kind and the value, the same
    /// on every replica (Swift's `Hasher` is seeded per process, so it cannot serve here).
    var id: Int64 {
        let name: String
        switch self {
        case .loginEmail(let email): name = "latchkey-limit:login-email:\(email)"
        case .loginClient(let address): name = "latchkey-limit:login-client:\(address)"
        case .signUpClient(let address): name = "latchkey-limit:signup-client:\(address)"
        }
        return SHA256.hash(data: Array(name.utf8)).withUnsafeBytes { bytes in
            bytes.prefix(8).reduce(Int64(0)) { ($0 << 8) | Int64($1) }
        }
    }

    /// The ids of `locks` in the order they must be taken: ascending, so two attempts that need the
    /// same pair of keys can never wait on each other.
    static func order(_ locks: [LimitLock]) -> [Int64] {
        Set(locks.map(\.id)).sorted()
    }
}
