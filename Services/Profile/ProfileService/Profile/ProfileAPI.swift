import Foundation
import ServiceSupport

/// `{user_id, display_name, bio, updated_at}`, with nulls for what was never set.
struct ProfileResponse: Encodable, Sendable {
    let userID: String
    let displayName: String?
    let bio: String?
    let updatedAt: Date?

    init(_ profile: Profile) {
        self.userID = profile.userID.lowercased
        self.displayName = profile.displayName
        self.bio = profile.bio
        self.updatedAt = profile.updatedAt
    }

    enum CodingKeys: String, CodingKey {
        case userID = "user_id"
        case displayName = "display_name"
        case bio
        case updatedAt = "updated_at"
    }

    /// Written out only to keep the nulls (the synthesized encoder leaves nil fields out).
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.userID, forKey: .userID)
        try container.encode(self.displayName, forKey: .displayName)
        try container.encode(self.bio, forKey: .bio)
        try container.encode(self.updatedAt, forKey: .updatedAt)
    }
}

/// `{display_name, bio}`: the whole profile (PUT replaces it; a missing or null field clears it).
struct ProfileRequest: Decodable, Sendable {
    let displayName: String?
    let bio: String?

    enum CodingKeys: String, CodingKey {
        case displayName = "display_name"
        case bio
    }
}
