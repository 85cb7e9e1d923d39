/// `{display_name, bio}`: the whole profile (PUT replaces it; a missing or null field clears it).
struct ProfileRequest: Decodable, Sendable {
    let displayName: String?
    let bio: String?

    enum CodingKeys: String, CodingKey {
        case displayName = "display_name"
        case bio
    }
}
