import Foundation
import ServiceSupport

/// `{id, email, created_at, locked, sessions: [{id, created_at, last_used_at, user_agent, ip}]}`:
/// an account as an operator sees it (never its password hash).
public struct AdminAccountView: Encodable, Sendable {
    /// One active session.
    public struct Session: Encodable, Sendable {
        let id: String
        let createdAt: Date
        let lastUsedAt: Date
        let userAgent: String?
        let ip: String?

        enum CodingKeys: String, CodingKey {
            case id, ip
            case createdAt = "created_at"
            case lastUsedAt = "last_used_at"
            case userAgent = "user_agent"
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(self.id, forKey: .id)
            try container.encode(self.createdAt, forKey: .createdAt)
            try container.encode(self.lastUsedAt, forKey: .lastUsedAt)
            try container.encode(self.userAgent, forKey: .userAgent)
            try container.encode(self.ip, forKey: .ip)
        }
    }

    let id: String
    let email: String
    let createdAt: Date
    let locked: Bool
    let sessions: [Session]

    init(_ account: Account, sessions: [SessionRecord]) {
        self.id = account.id.lowercased
        self.email = account.email
        self.createdAt = account.createdAt
        self.locked = account.lockedAt != nil
        self.sessions = sessions.map {
            Session(id: $0.id.lowercased, createdAt: $0.createdAt, lastUsedAt: $0.lastUsedAt, userAgent: $0.userAgent, ip: $0.ip)
        }
    }

    enum CodingKeys: String, CodingKey {
        case id, email, locked, sessions
        case createdAt = "created_at"
    }
}
