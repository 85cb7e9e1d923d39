import ServiceSupport

/// The limits of a note: a title of 1 to 200 characters, a body of at most 100,000.
enum NoteRules {
    static let titleLength = 1...200
    static let bodyLength = 0...100_000

    static func check(title: String?, body: String?, in validator: inout FieldValidator) {
        validator.length(of: title, field: "title", in: self.titleLength)
        validator.storableText(title, field: "title")
        validator.length(of: body, field: "body", in: self.bodyLength)
        validator.storableText(body, field: "body")
    }
}
