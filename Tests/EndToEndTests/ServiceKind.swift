/// The processes a stack can run: the three executables of the package, and a second `auth` replica.
enum ServiceKind: String, CaseIterable, Sendable, Hashable {
    case auth
    case notes
    case profile
    /// A second `auth` process on the same database and secret, on its own port.
    case authReplica = "auth-replica"

    /// The three services every stack starts.
    static let standard: [ServiceKind] = [.auth, .notes, .profile]

    /// The resource services, which verify tokens and ask `auth` about sessions.
    static let resourceServices: [ServiceKind] = [.notes, .profile]

    /// The product this process runs.
    var executableName: String {
        self == .authReplica ? ServiceKind.auth.rawValue : self.rawValue
    }

    /// The service whose database this process uses.
    var databaseOwner: ServiceKind {
        self == .authReplica ? .auth : self
    }
}
