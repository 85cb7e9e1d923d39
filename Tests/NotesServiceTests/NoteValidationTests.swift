import HTTPTypes
import HummingbirdTesting
import TestSupport
import Testing

/// Note bodies that break the rules are a 400 `validation-failed` naming each field, and store nothing.
@Suite("Notes: validation", .serialized)
struct NoteValidationTests {
    @Test("invalid new notes are refused, field by field, and create nothing")
    func invalidCreate() async throws {
        try await NotesTestApp.run { api in
            let alice = api.newUser()
            let cases: [(JSONValue, String)] = [
                (["title": ""], "title"),
                (["title": .string(String(repeating: "t", count: 201))], "title"),
                (["title": "nul \u{0} inside"], "title"),
                (["title": "ok", "body": .string(String(repeating: "b", count: 100_001))], "body"),
                (["title": "ok", "body": "nul \u{0}"], "body"),
                (["title": 42], "title"),
                (["body": "no title"], "title"),
            ]
            for (body, field) in cases {
                let response = try await api.send(.post, "/v1/notes", as: alice, json: body)
                ProblemCheck.expectValidationError(response, field: field)
            }
            #expect(try await api.send(.get, "/v1/notes", as: alice).json()["items"] == [])
        }
    }

    @Test("a title and a body both wrong are reported together")
    func bothFields() async throws {
        try await NotesTestApp.run { api in
            let body: JSONValue = ["title": "", "body": .string(String(repeating: "b", count: 100_001))]
            let response = try await api.send(.post, "/v1/notes", as: api.newUser(), json: body)
            let errors = ProblemCheck.expectValidationError(response, field: "title")
            #expect(Set(errors.compactMap { $0["field"]?.string }) == ["title", "body"])
        }
    }

    @Test("a change that changes nothing, or breaks a rule, is refused and the note stays as it was")
    func invalidUpdate() async throws {
        try await NotesTestApp.run { api in
            let alice = api.newUser()
            let id = try #require(try await api.createNote(as: alice, title: "kept", body: "kept")["id"]?.string)
            let cases: [(JSONValue, String)] = [
                ([:], "body"),
                (["title": ""], "title"),
                (["body": .string(String(repeating: "b", count: 100_001))], "body"),
            ]
            for (body, field) in cases {
                let response = try await api.send(.patch, "/v1/notes/\(id)", as: alice, json: body)
                ProblemCheck.expectValidationError(response, field: field)
            }
            let note = try await api.send(.get, "/v1/notes/\(id)", as: alice)
            #expect(note.headers[.eTag] == #""1""#)
            #expect(try note.json()["title"]?.string == "kept")
        }
    }
}
