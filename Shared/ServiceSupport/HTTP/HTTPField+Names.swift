import HTTPTypes

extension HTTPField.Name {
    /// `X-Forwarded-For`, set by the gateway.
    public static let xForwardedFor = HTTPField.Name("X-Forwarded-For")!
    /// `Token-Transport: cookie` asks for tokens as cookies.
    public static let tokenTransport = HTTPField.Name("Token-Transport")!
}
