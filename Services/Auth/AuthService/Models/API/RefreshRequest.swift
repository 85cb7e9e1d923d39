/// `{refresh_token}`, optional: without it the refresh cookie is used.
struct RefreshRequest: Decodable, Sendable {
    let refreshToken: String?

    enum CodingKeys: String, CodingKey {
        case refreshToken = "refresh_token"
    }
}
