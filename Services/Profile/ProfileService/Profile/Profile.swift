import Foundation
import ServiceSupport

/// A user's profile; a user who never set one has none stored, and reads as all nulls.
struct Profile: Sendable {
    let userID: UUID
    let displayName: String?
    let bio: String?
    let updatedAt: Date?
}

/// The limits of a profile: a display name of at most 64 characters, a bio of at most 1,000.
enum ProfileRules {
    static let displayNameLength = 0...64
    static let bioLength = 0...1000

    static func check(displayName: String?, bio: String?, in validator: inout FieldValidator) {
        validator.length(of: displayName, field: "display_name", in: self.displayNameLength)
        validator.storableText(displayName, field: "display_name")
        validator.length(of: bio, field: "bio", in: self.bioLength)
        validator.storableText(bio, field: "bio")
    }
}
