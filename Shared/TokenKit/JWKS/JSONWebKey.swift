/// One public key of a JSON Web Key Set (RFC 7517), in the Ed25519 form (RFC 8037) Latchkey uses.
public struct JSONWebKey: Codable, Sendable, Equatable {
    public var kty: String
    public var crv: String?
    public var x: String
    public var kid: String?
    public var alg: String?
    public var use: String?

    public init(kty: String, crv: String?, x: String, kid: String?, alg: String?, use: String?) {
        self.kty = kty
        self.crv = crv
        self.x = x
        self.kid = kid
        self.alg = alg
        self.use = use
    }
}
