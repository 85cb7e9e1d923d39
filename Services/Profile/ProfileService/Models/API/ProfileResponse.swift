import Foundation
import ServiceSupport

/// `{user_id, display_name, bio, updated_at}`, with nulls for what was never set.
struct ProfileResponse: Encodable, Sendable {
    let profile: Profile

    enum CodingKeys: String, CodingKey {
        case userID = "user_id"
        case displayName = "display_name"
        case bio
        case updatedAt = "updated_at"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.profile.userID.lowercased, forKey: .userID)
        try container.encode(self.profile.displayName, forKey: .displayName)
        try container.encode(self.profile.bio, forKey: .bio)
        try container.encode(self.profile.updatedAt, forKey: .updatedAt)
    }
}
