/// What a login records about the device: shown back in the sessions list.
struct LoginRequestInfo: Sendable {
    let clientAddress: String
    let userAgent: String?
}
