import Foundation
import ServiceSupport

/// `{id, title, body, created_at, updated_at, version}`.
struct NoteResponse: Encodable, Sendable {
    let id: String
    let title: String
    let body: String
    let createdAt: Date
    let updatedAt: Date
    let version: Int

    init(_ note: Note) {
        self.id = note.id.lowercased
        self.title = note.title
        self.body = note.body
        self.createdAt = note.createdAt
        self.updatedAt = note.updatedAt
        self.version = note.version
    }

    enum CodingKeys: String, CodingKey {
        case id, title, body, version
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }
}

/// `{items, next_cursor}`: one page of notes, newest first; `next_cursor` is null on the last page.
struct NoteListResponse: Encodable, Sendable {
    let items: [NoteResponse]
    let nextCursor: String?

    enum CodingKeys: String, CodingKey {
        case items
        case nextCursor = "next_cursor"
    }

    /// Written out only to keep `next_cursor: null` (the synthesized encoder leaves nil fields out).
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.items, forKey: .items)
        try container.encode(self.nextCursor, forKey: .nextCursor)
    }
}

/// `{title, body}`; `body` may be left out for an empty note.
struct CreateNoteRequest: Decodable, Sendable {
    let title: String
    let body: String?
}

/// `{title?, body?}`: the fields to change.
struct UpdateNoteRequest: Decodable, Sendable {
    let title: String?
    let body: String?
}
