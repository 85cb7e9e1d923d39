import Foundation
import TokenKit

/// The data of a `revoked` event: `{"seq", "sid", "sub", "revoked_at", "reason"}`.
struct RevocationNotice: Decodable, Sendable {
    let seq: Int64
    let sid: UUID
    let sub: UUID
    let revokedAt: Date
    let reason: String

    enum CodingKeys: String, CodingKey {
        case seq, sid, sub, reason
        case revokedAt = "revoked_at"
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.seq = try container.decode(Int64.self, forKey: .seq)
        self.sid = try container.decode(UUID.self, forKey: .sid)
        self.sub = try container.decode(UUID.self, forKey: .sub)
        self.reason = try container.decode(String.self, forKey: .reason)
        let text = try container.decode(String.self, forKey: .revokedAt)
        let withFraction = try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true))
        guard let date = withFraction ?? (try? Date(text, strategy: .iso8601)) else {
            throw DecodingError.dataCorruptedError(forKey: .revokedAt, in: container, debugDescription: "not an ISO 8601 time")
        }
        self.revokedAt = date
    }
}
