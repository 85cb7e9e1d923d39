/// The three executables of the package, by product name.
enum ServiceKind: String, CaseIterable, Sendable, Hashable {
    case auth
    case notes
    case profile

    /// The resource services, which verify tokens and ask `auth` about sessions.
    static let resourceServices: [ServiceKind] = [.notes, .profile]
}
