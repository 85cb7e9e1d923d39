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
        self.revokedAt = try container.decodeISO8601(forKey: .revokedAt)
    }
}

/// The data of an `account-deleted` event: `{"seq", "sub", "deleted_at"}`.
struct AccountDeletedNotice: Decodable, Sendable {
    let seq: Int64
    let sub: UUID
    let deletedAt: Date

    enum CodingKeys: String, CodingKey {
        case seq, sub
        case deletedAt = "deleted_at"
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.seq = try container.decode(Int64.self, forKey: .seq)
        self.sub = try container.decode(UUID.self, forKey: .sub)
        self.deletedAt = try container.decodeISO8601(forKey: .deletedAt)
    }
}

extension KeyedDecodingContainer {
    /// An ISO 8601 time, with or without fractional seconds.
    func decodeISO8601(forKey key: Key) throws -> Date {
        let text = try self.decode(String.self, forKey: key)
        let withFraction = try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true))
        guard let date = withFraction ?? (try? Date(text, strategy: .iso8601)) else {
            throw DecodingError.dataCorruptedError(forKey: key, in: self, debugDescription: "not an ISO 8601 time")
        }
        return date
    }
}
