import Synchronization
import TokenKit

/// A fixed, in-memory ``VerificationKeyProvider`` that records every `kid` it is asked for.
///
/// It stands in for the JWKS cache in verifier tests: it knows exactly the keys it was given and
/// answers nil for any other `kid`, so a verifier that tried a fallback key would be caught.
final class StaticKeyProvider: VerificationKeyProvider {
    private let keys: [String: VerificationKey]
    private let requests = Mutex<[String]>([])

    init(_ keys: VerificationKey...) {
        self.keys = Dictionary(uniqueKeysWithValues: keys.map { ($0.kid, $0) })
    }

    /// Every `kid` looked up so far, in order.
    var requestedKeyIDs: [String] { self.requests.withLock { $0 } }

    func verificationKey(for kid: String) async -> VerificationKey? {
        self.requests.withLock { $0.append(kid) }
        return self.keys[kid]
    }
}
