import Foundation

/// An RFC 7662 introspection answer: the active fields, or exactly `{"active": false}`.
struct IntrospectionResult: Encodable, Sendable {
    let active: Bool
    let sub: UUID?
    let sid: UUID?
    let exp: Int64?
    let iat: Int64?
    let clientID: String?

    static let inactive = IntrospectionResult(active: false, sub: nil, sid: nil, exp: nil, iat: nil, clientID: nil)

    enum CodingKeys: String, CodingKey {
        case active, sub, sid, exp, iat
        case clientID = "client_id"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.active, forKey: .active)
        try container.encodeIfPresent(self.sub?.uuidString.lowercased(), forKey: .sub)
        try container.encodeIfPresent(self.sid?.uuidString.lowercased(), forKey: .sid)
        try container.encodeIfPresent(self.exp, forKey: .exp)
        try container.encodeIfPresent(self.iat, forKey: .iat)
        try container.encodeIfPresent(self.clientID, forKey: .clientID)
    }
}
