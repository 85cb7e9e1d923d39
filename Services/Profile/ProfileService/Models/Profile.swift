import Foundation

/// A user's profile; a user who never set one has none stored, and reads as all nulls.
struct Profile: Sendable {
    let userID: UUID
    let displayName: String?
    let bio: String?
    let updatedAt: Date?
}
