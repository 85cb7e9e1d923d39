import Foundation
import Hummingbird
import ServiceSupport
import TokenKit
import TokenKitHummingbird

/// `GET /v1/accounts/me/events`: the caller's own security events, newest first, a page at a time.
struct SecurityEventController: Sendable {
    let events: SecurityEventRepository

    func addRoutes(confirmed: RouterGroup<ConfirmedRequestContext<ServiceRequestContext>>) {
        confirmed.get("/v1/accounts/me/events", use: self.list)
    }

    /// 200 `{items: [{id, type, at, session_id, ip, user_agent}], next_cursor}`.
    @Sendable func list(request: Request, context: ConfirmedRequestContext<ServiceRequestContext>) async throws -> Response {
        let query = request.uri.queryParameters
        let limit = try PageLimit.parse(request)
        var before: Int64?
        if let cursor = query.get("cursor") {
            guard let id = SecurityEventCursor.decode(cursor) else { throw Problem.validation(field: "cursor", "is not a cursor from this API") }
            before = id
        }
        let rows = try await self.events.page(accountID: context.identity.userID, before: before, limit: limit + 1)
        let page = rows.prefix(limit)
        let next = rows.count > limit ? page.last.map { SecurityEventCursor.encode(id: $0.id) } : nil
        return try JSONResponse.make(SecurityEventListResponse(items: page.map(SecurityEventListResponse.Item.init), nextCursor: next))
    }
}

extension SecurityEventController {
    init(core: AuthCore) {
        self.init(events: core.events)
    }
}

/// `{items, next_cursor}`; every field is present, `null` when unknown.
struct SecurityEventListResponse: Encodable, Sendable {
    struct Item: Encodable, Sendable {
        let id: String
        let type: String
        let at: Date
        let sessionID: String?
        let ip: String?
        let userAgent: String?

        init(_ event: SecurityEvent) {
            self.id = String(event.id)
            self.type = event.type
            self.at = event.at
            self.sessionID = event.sessionID?.lowercased
            self.ip = event.ip
            self.userAgent = event.userAgent
        }

        enum CodingKeys: String, CodingKey {
            case id, type, at, ip
            case sessionID = "session_id"
            case userAgent = "user_agent"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(self.id, forKey: .id)
            try container.encode(self.type, forKey: .type)
            try container.encode(self.at, forKey: .at)
            try container.encode(self.sessionID, forKey: .sessionID)
            try container.encode(self.ip, forKey: .ip)
            try container.encode(self.userAgent, forKey: .userAgent)
        }
    }

    let items: [Item]
    let nextCursor: String?

    enum CodingKeys: String, CodingKey {
        case items
        case nextCursor = "next_cursor"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.items, forKey: .items)
        try container.encode(self.nextCursor, forKey: .nextCursor)
    }
}
