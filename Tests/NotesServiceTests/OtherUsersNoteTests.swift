import HTTPTypes
import HummingbirdTesting
import TestSupport
import Testing

/// Another user's note does not exist for the caller: 404 on read, change and delete (never 403), and
/// it is left as it was.
@Suite("Notes: another user's note", .serialized)
struct OtherUsersNoteTests {
    @Test("GET, PATCH and DELETE of another user's note are 404 and change nothing")
    func notFoundForOthers() async throws {
        try await NotesTestApp.run { api in
            let alice = api.newUser()
            let mallory = api.newUser()
            let id = try #require(try await api.createNote(as: alice, title: "alice's", body: "private")["id"]?.string)

            ProblemCheck.expect(try await api.send(.get, "/v1/notes/\(id)", as: mallory), .notFound)
            ProblemCheck.expect(try await api.send(.patch, "/v1/notes/\(id)", as: mallory, json: ["title": "mine now"]), .notFound)
            ProblemCheck.expect(
                try await api.send(.patch, "/v1/notes/\(id)", as: mallory, json: ["title": "mine now"], headers: [.ifMatch: "*"]),
                .notFound
            )
            ProblemCheck.expect(try await api.send(.delete, "/v1/notes/\(id)", as: mallory), .notFound)
            #expect(try await api.send(.get, "/v1/notes", as: mallory).json()["items"] == [])

            let note = try await api.send(.get, "/v1/notes/\(id)", as: alice)
            #expect(note.status == .ok)
            #expect(note.headers[.eTag] == #""1""#)
            #expect(try note.json()["title"]?.string == "alice's")
        }
    }

    @Test("the owner deletes with 204; then the note is 404 for the owner too")
    func ownerDeletes() async throws {
        try await NotesTestApp.run { api in
            let alice = api.newUser()
            let id = try #require(try await api.createNote(as: alice, title: "short-lived")["id"]?.string)
            let deleted = try await api.send(.delete, "/v1/notes/\(id)", as: alice)
            #expect(deleted.status == .noContent)
            ProblemCheck.expect(try await api.send(.get, "/v1/notes/\(id)", as: alice), .notFound)
            ProblemCheck.expect(try await api.send(.delete, "/v1/notes/\(id)", as: alice), .notFound)
        }
    }

    @Test("an id that is not a UUID is a 404 too")
    func malformedID() async throws {
        try await NotesTestApp.run { api in
            ProblemCheck.expect(try await api.send(.get, "/v1/notes/not-a-uuid", as: api.newUser()), .notFound)
        }
    }

    @Test("a write in a session auth has ended is 401 session-ended; reads follow once the feed reports it")
    func endedSession() async throws {
        try await NotesTestApp.run { api in
            let alice = api.newUser()
            try await api.createNote(as: alice, title: "before")
            api.auth.endSession(alice.sessionID, of: alice.userID)
            ProblemCheck.expect(try await api.send(.post, "/v1/notes", as: alice, json: ["title": "after"]), .sessionEnded)
            var read = try await api.send(.get, "/v1/notes", as: alice)
            for _ in 0..<50 where read.status == .ok {
                try await Task.sleep(for: .milliseconds(100))
                read = try await api.send(.get, "/v1/notes", as: alice)
            }
            ProblemCheck.expect(read, .sessionEnded)
        }
    }
}
