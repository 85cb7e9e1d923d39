/// `{title?, body?}`: the fields to change.
struct UpdateNoteRequest: Decodable, Sendable {
    let title: String?
    let body: String?
}
