import Foundation
import HTTPTypes
import HummingbirdTesting
import TestSupport
import Testing

/// `GET /v1/notes`: pages of the caller's notes, newest first, chained by an opaque `next_cursor`.
@Suite("Notes: cursor paging", .serialized)
struct NotesCursorTests {
    @Test("pages run newest first and the last page's next_cursor is null")
    func pagesNewestFirst() async throws {
        try await NotesTestApp.run { api in
            let alice = api.newUser()
            try await api.createNotes(as: alice, count: 5)
            var titles: [[String]] = []
            var uri = "/v1/notes?limit=2"
            while true {
                let response = try await api.send(.get, uri, as: alice)
                #expect(response.status == .ok)
                let page = try response.json()
                #expect(page.keys == ["items", "next_cursor"])
                titles.append(page["items"]?.array?.compactMap { $0["title"]?.string } ?? [])
                guard let cursor = page["next_cursor"]?.string else {
                    #expect(page["next_cursor"] == .null)
                    break
                }
                uri = "/v1/notes?limit=2&cursor=\(cursor)"
                if titles.count > 5 { break }
            }
            #expect(titles == [["note 5", "note 4"], ["note 3", "note 2"], ["note 1"]])
        }
    }

    @Test("a page that ends exactly at the oldest note has a null next_cursor")
    func exactlyFullLastPage() async throws {
        try await NotesTestApp.run { api in
            let alice = api.newUser()
            try await api.createNotes(as: alice, count: 4)
            let first = try await api.send(.get, "/v1/notes?limit=2", as: alice).json()
            let cursor = try #require(first["next_cursor"]?.string)
            let second = try await api.send(.get, "/v1/notes?limit=2&cursor=\(cursor)", as: alice).json()
            #expect(second["items"]?.array?.compactMap { $0["title"]?.string } == ["note 2", "note 1"])
            #expect(second["next_cursor"] == .null)
        }
    }

    @Test("no notes: an empty page with a null next_cursor; the default limit is 20")
    func emptyAndDefaultLimit() async throws {
        try await NotesTestApp.run { api in
            let alice = api.newUser()
            let empty = try await api.send(.get, "/v1/notes", as: alice).json()
            #expect(empty == ["items": [], "next_cursor": nil])
            try await api.createNotes(as: alice, count: 21)
            let page = try await api.send(.get, "/v1/notes", as: alice).json()
            #expect(page["items"]?.array?.count == 20)
            #expect(page["next_cursor"]?.string != nil)
        }
    }

    @Test("a cursor this API did not make, or a limit outside 1 to 100, is a 400 naming the parameter")
    func badCursorOrLimit() async throws {
        try await NotesTestApp.run { api in
            let alice = api.newUser()
            try await api.createNote(as: alice, title: "one")
            for cursor in ["garbage", "bjA", "eDEw", "", "%00"] {
                let response = try await api.send(.get, "/v1/notes?cursor=\(cursor)", as: alice)
                ProblemCheck.expectValidationError(response, field: "cursor")
            }
            for limit in ["0", "101", "-1", "ten", "1.5", ""] {
                let response = try await api.send(.get, "/v1/notes?limit=\(limit)", as: alice)
                ProblemCheck.expectValidationError(response, field: "limit")
            }
        }
    }
}
