import HTTPTypes
import HummingbirdTesting
import TestSupport
import Testing

/// `PATCH /v1/notes/{id}` with `If-Match`: a strong tag of the current version (or `*`) lets the change
/// through with the next `ETag`; any other tag is a 412 and changes nothing.
@Suite("Notes: If-Match", .serialized)
struct NoteIfMatchTests {
    @Test("the current ETag updates and answers the next one; the old ETag is then a 412 that changes nothing")
    func staleTagIsRefused() async throws {
        try await NotesTestApp.run { api in
            let alice = api.newUser()
            let created = try await api.send(.post, "/v1/notes", as: alice, json: ["title": "draft", "body": "v1"])
            #expect(created.status == .created)
            let tag = try #require(created.headers[.eTag])
            #expect(tag == #""1""#)
            let id = try #require(try created.json()["id"]?.string)
            #expect(created.headers[.location] == "/v1/notes/\(id)")

            let updated = try await api.send(.patch, "/v1/notes/\(id)", as: alice, json: ["title": "final"], headers: [.ifMatch: tag])
            #expect(updated.status == .ok)
            #expect(updated.headers[.eTag] == #""2""#)
            let note = try updated.json()
            #expect(note["title"]?.string == "final")
            #expect(note["body"]?.string == "v1")
            #expect(note["version"]?.int == 2)

            let stale = try await api.send(.patch, "/v1/notes/\(id)", as: alice, json: ["title": "lost update"], headers: [.ifMatch: tag])
            ProblemCheck.expect(stale, .preconditionFailed)

            let current = try await api.send(.get, "/v1/notes/\(id)", as: alice)
            #expect(current.headers[.eTag] == #""2""#)
            #expect(try current.json()["title"]?.string == "final")
        }
    }

    @Test("If-Match: *, a list naming the current tag, or no If-Match at all update; a weak or unknown tag is a 412")
    func tagForms() async throws {
        try await NotesTestApp.run { api in
            let alice = api.newUser()
            let id = try #require(try await api.createNote(as: alice, title: "t")["id"]?.string)
            for (ifMatch, expectedTag) in [("*", #""2""#), (#""7", "2", "3""#, #""3""#)] {
                let response = try await api.send(.patch, "/v1/notes/\(id)", as: alice, json: ["body": "x"], headers: [.ifMatch: ifMatch])
                #expect(response.status == .ok, "If-Match: \(ifMatch)")
                #expect(response.headers[.eTag] == expectedTag)
            }
            let unconditional = try await api.send(.patch, "/v1/notes/\(id)", as: alice, json: ["body": "y"])
            #expect(unconditional.headers[.eTag] == #""4""#)
            for ifMatch in [#"W/"4""#, #""5""#, "4", #""""#] {
                let response = try await api.send(.patch, "/v1/notes/\(id)", as: alice, json: ["body": "z"], headers: [.ifMatch: ifMatch])
                ProblemCheck.expect(response, .preconditionFailed)
            }
            #expect(try await api.send(.get, "/v1/notes/\(id)", as: alice).json()["body"]?.string == "y")
        }
    }
}
