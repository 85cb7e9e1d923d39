import Foundation

/// A user account as stored. The password hash never leaves the repository layer in a response.
struct Account: Sendable {
    let id: UUID
    let email: String
    let passwordHash: String
    let createdAt: Date
    /// Moves on every password change and revoke-all; a session may be opened only at the epoch
    /// its password was checked in.
    let sessionEpoch: Int64
}
