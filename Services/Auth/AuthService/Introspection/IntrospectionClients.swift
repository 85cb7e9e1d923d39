import HummingbirdAuth
import TokenKit

/// The resource services allowed to call the internal API, checked with HTTP Basic credentials.
struct IntrospectionClients: Sendable {
    private let secrets: [String: String]

    init(_ secrets: [String: String]) {
        self.secrets = secrets
    }

    /// The client id when the credentials are right, else nil. Unknown ids still pay a comparison.
    func authenticate(_ credentials: BasicAuthentication?) -> String? {
        guard let credentials else { return nil }
        let expected = self.secrets[credentials.username]
        let matches = CSRFProtection.constantTimeEquals(credentials.password, expected ?? "\u{0}unknown-client")
        return expected != nil && matches ? credentials.username : nil
    }

    /// The 401 for bad or missing credentials: a problem body only.
    static func unauthorized() -> Problem {
        Problem(.invalidCredentials, detail: "Internal endpoints need the calling service's Basic credentials.")
    }
}
