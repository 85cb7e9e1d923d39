/// `{title, body}`; `body` may be left out for an empty note.
struct CreateNoteRequest: Decodable, Sendable {
    let title: String
    let body: String?
}
