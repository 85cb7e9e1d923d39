/// `{access_token, token_type, expires_in}`; in cookie transport only `expires_in`.
struct ReissueResponse: Encodable, Sendable {
    let accessToken: String?
    let tokenType: String?
    let expiresIn: Int

    enum CodingKeys: String, CodingKey {
        case accessToken = "access_token"
        case tokenType = "token_type"
        case expiresIn = "expires_in"
    }
}
