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
