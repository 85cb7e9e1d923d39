/// `{items, next_cursor}`: one page of notes, newest first; `next_cursor` is null on the last page.
struct NoteListResponse: Encodable, Sendable {
    let items: [NoteResponse]
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
