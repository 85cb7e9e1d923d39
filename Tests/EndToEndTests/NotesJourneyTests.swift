import TestSupport
import Testing

extension SharedStackSuite {
    /// The user journey on notes: sign-up, bearer login, CRUD with entity tags, pagination,
    /// refresh rotation, and another user's notes staying out of reach.
    @Suite("Notes journey")
    struct NotesJourneyTests {
        /// POST 201 with `Location` and `ETag`; GET 200 with `ETag`; PATCH with a matching
        /// `If-Match` bumps the version; a stale `If-Match` is 412 and changes nothing; DELETE 204, then 404.
        @Test("notes CRUD honours ETag and If-Match")
        func crudWithEntityTags() async throws {
            let stack = try CurrentStack.require()
            let session = try await TestAccount.create(on: stack).login(on: stack)
            let token = session.accessToken

            let created = try await HTTP.send(.post, stack.url(.notes, "/v1/notes"), bearer: token, json: ["title": "First", "body": "Hello"])
            #expect(created.status == 201)
            let note = try created.json()
            let id = try #require(note["id"]?.string)
            #expect(note["title"] == "First")
            #expect(note["body"] == "Hello")
            #expect(note["version"] == 1)
            #expect(note["created_at"]?.string != nil)
            #expect(note["updated_at"]?.string != nil)
            #expect(created.header("Location")?.hasSuffix("/v1/notes/\(id)") == true, "Location: \(created.header("Location") ?? "none")")
            let firstTag = try #require(created.header("ETag"))

            let fetched = try await HTTP.send(.get, stack.url(.notes, "/v1/notes/\(id)"), bearer: token)
            #expect(fetched.status == 200)
            #expect(fetched.header("ETag") == firstTag)
            #expect(try fetched.json() == note)

            let patched = try await HTTP.send(
                .patch,
                stack.url(.notes, "/v1/notes/\(id)"),
                bearer: token,
                headers: ["If-Match": firstTag],
                json: ["title": "Second"]
            )
            #expect(patched.status == 200)
            let patchedNote = try patched.json()
            #expect(patchedNote["title"] == "Second")
            #expect(patchedNote["body"] == "Hello")
            #expect(patchedNote["version"] == 2)
            let secondTag = try #require(patched.header("ETag"))
            #expect(secondTag != firstTag)

            let stale = try await HTTP.send(
                .patch,
                stack.url(.notes, "/v1/notes/\(id)"),
                bearer: token,
                headers: ["If-Match": firstTag],
                json: ["title": "Lost update"]
            )
            ProblemCheck.expect(stale, status: 412, type: "precondition-failed")
            let afterStale = try await HTTP.send(.get, stack.url(.notes, "/v1/notes/\(id)"), bearer: token)
            #expect(try afterStale.json() == patchedNote, "a refused PATCH changed the note")
            #expect(afterStale.header("ETag") == secondTag)

            let deleted = try await HTTP.send(.delete, stack.url(.notes, "/v1/notes/\(id)"), bearer: token)
            #expect(deleted.status == 204)
            let gone = try await HTTP.send(.get, stack.url(.notes, "/v1/notes/\(id)"), bearer: token)
            ProblemCheck.expect(gone, status: 404, type: "not-found")
            let deletedAgain = try await HTTP.send(.delete, stack.url(.notes, "/v1/notes/\(id)"), bearer: token)
            ProblemCheck.expect(deletedAgain, status: 404, type: "not-found")
        }

        /// 25 notes: the first page has the 20 newest, newest first, and a cursor; the second the
        /// other 5 and `next_cursor: null`.
        @Test("notes list pages newest first with a cursor")
        func pagination() async throws {
            let stack = try CurrentStack.require()
            let session = try await TestAccount.create(on: stack).login(on: stack)
            for number in 1...25 {
                let created = try await HTTP.send(
                    .post,
                    stack.url(.notes, "/v1/notes"),
                    bearer: session.accessToken,
                    json: ["title": .string("note \(number)"), "body": ""]
                )
                try #require(created.status == 201)
            }

            let first = try await HTTP.send(.get, stack.url(.notes, "/v1/notes"), bearer: session.accessToken)
            #expect(first.status == 200)
            let firstPage = try first.json()
            let firstTitles = firstPage["items"]?.array?.compactMap { $0["title"]?.string } ?? []
            #expect(firstTitles == (6...25).reversed().map { "note \($0)" })
            let cursor = try #require(firstPage["next_cursor"]?.string)

            let second = try await HTTP.send(.get, stack.url(.notes, "/v1/notes?cursor=\(cursor)"), bearer: session.accessToken)
            #expect(second.status == 200)
            let secondPage = try second.json()
            let secondTitles = secondPage["items"]?.array?.compactMap { $0["title"]?.string } ?? []
            #expect(secondTitles == (1...5).reversed().map { "note \($0)" })
            #expect(secondPage["next_cursor"] == .null, "next_cursor must be present and null on the last page")

            let small = try await HTTP.send(.get, stack.url(.notes, "/v1/notes?limit=3"), bearer: session.accessToken)
            #expect(try small.json()["items"]?.array?.count == 3)
        }

        /// `limit` outside 1–100 or not a number, and a cursor the API did not make, are 400.
        @Test("bad list parameters are 400", arguments: ["limit=0", "limit=101", "limit=abc", "cursor=garbage", "cursor=bjEyMzQ1Ng-x"])
        func badListParameters(query: String) async throws {
            let stack = try CurrentStack.require()
            let session = try await TestAccount.create(on: stack).login(on: stack)
            let response = try await HTTP.send(.get, stack.url(.notes, "/v1/notes?\(query)"), bearer: session.accessToken)
            ProblemCheck.expect(response, status: 400, type: "validation-failed")
        }

        /// A refresh rotates both tokens within the same session, and the new access token writes on notes.
        @Test("refresh rotates and the new access token works")
        func refreshRotation() async throws {
            let stack = try CurrentStack.require()
            let session = try await TestAccount.create(on: stack).login(on: stack)
            let rotated = try await session.refreshed(on: stack)
            #expect(rotated.refreshToken != session.refreshToken)
            #expect(rotated.accessToken != session.accessToken)
            #expect(rotated.sessionID == session.sessionID)

            let created = try await HTTP.send(.post, stack.url(.notes, "/v1/notes"), bearer: rotated.accessToken, json: ["title": "after refresh"])
            #expect(created.status == 201)
            let listed = try await HTTP.send(.get, stack.url(.notes, "/v1/notes"), bearer: rotated.accessToken)
            #expect(try listed.json()["items"]?[0]?["title"] == "after refresh")

            let again = try await rotated.refreshed(on: stack)
            #expect(again.refreshToken != rotated.refreshToken)
        }

        /// User B gets 404 for user A's note on GET, PATCH and DELETE, never sees it in a list, and A's note is unchanged.
        @Test("another user's note is invisible and untouchable")
        func otherUsersNote() async throws {
            let stack = try CurrentStack.require()
            let alice = try await TestAccount.create(on: stack, label: "alice").login(on: stack)
            let bob = try await TestAccount.create(on: stack, label: "bob").login(on: stack)
            let created = try await HTTP.send(
                .post,
                stack.url(.notes, "/v1/notes"),
                bearer: alice.accessToken,
                json: ["title": "Alice's", "body": "secret"]
            )
            try #require(created.status == 201)
            let original = try created.json()
            let id = try #require(original["id"]?.string)
            let url = stack.url(.notes, "/v1/notes/\(id)")

            ProblemCheck.expect(try await HTTP.send(.get, url, bearer: bob.accessToken), status: 404, type: "not-found")
            ProblemCheck.expect(
                try await HTTP.send(.patch, url, bearer: bob.accessToken, headers: ["If-Match": "*"], json: ["title": "Bob's now"]),
                status: 404,
                type: "not-found"
            )
            ProblemCheck.expect(try await HTTP.send(.delete, url, bearer: bob.accessToken), status: 404, type: "not-found")
            let bobsList = try await HTTP.send(.get, stack.url(.notes, "/v1/notes"), bearer: bob.accessToken)
            #expect(try bobsList.json()["items"] == [])

            let after = try await HTTP.send(.get, url, bearer: alice.accessToken)
            #expect(after.status == 200)
            #expect(try after.json() == original)
        }
    }
}
