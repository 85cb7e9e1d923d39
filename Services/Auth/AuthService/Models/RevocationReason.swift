/// Why a session was revoked, as recorded and published on the revocation feed.
enum RevocationReason: String, Sendable {
    case logout
    case revokedByUser = "revoked"
    case revokedAll = "revoked_all"
    case passwordChanged = "password_changed"
    case refreshTokenReuse = "refresh_token_reuse"
}
