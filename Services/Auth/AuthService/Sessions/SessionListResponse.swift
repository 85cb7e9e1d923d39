import Foundation
import ServiceSupport

/// `{items: [...]}`: the caller's active sessions.
struct SessionListResponse: Encodable, Sendable {
    /// One session as its owner sees it.
    struct Item: Encodable, Sendable {
        let id: String
        let createdAt: Date
        let lastUsedAt: Date
        let userAgent: String?
        let ip: String?
        let current: Bool

        init(_ session: SessionRecord, currentSessionID: UUID) {
            self.id = session.id.lowercased
            self.createdAt = session.createdAt
            self.lastUsedAt = session.lastUsedAt
            self.userAgent = session.userAgent
            self.ip = session.ip
            self.current = session.id == currentSessionID
        }

        enum CodingKeys: String, CodingKey {
            case id, ip, current
            case createdAt = "created_at"
            case lastUsedAt = "last_used_at"
            case userAgent = "user_agent"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(self.id, forKey: .id)
            try container.encode(self.createdAt, forKey: .createdAt)
            try container.encode(self.lastUsedAt, forKey: .lastUsedAt)
            try container.encode(self.userAgent, forKey: .userAgent)
            try container.encode(self.ip, forKey: .ip)
            try container.encode(self.current, forKey: .current)
        }
    }

    let items: [Item]
}
