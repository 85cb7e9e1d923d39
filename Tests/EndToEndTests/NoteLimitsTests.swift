import TestSupport
import Testing

extension SharedStackSuite {
    /// The limits of notes: field lengths, the 256 KiB body limit, and malformed bodies, each
    /// refused with a problem and none of them creating a note.
    @Suite("Note limits")
    struct NoteLimitsTests {
        /// Each invalid body gets its 400 or 413 problem (never a 500) and creates nothing.
        @Test("invalid note bodies are refused and create nothing", arguments: InvalidNoteRequest.allCases)
        func invalidBodies(request: InvalidNoteRequest) async throws {
            let stack = try CurrentStack.require()
            let session = try await TestAccount.create(on: stack).login(on: stack)
            let response = try await HTTP.send(
                .post,
                stack.url(.notes, "/v1/notes"),
                bearer: session.accessToken,
                body: request.body,
                contentType: "application/json"
            )
            ProblemCheck.expect(response, status: request.status, type: request.problemType)
            let list = try await HTTP.send(.get, stack.url(.notes, "/v1/notes"), bearer: session.accessToken)
            #expect(try list.json()["items"] == [], "a refused POST created a note")
        }

        /// A title of exactly 200 characters and a body of exactly 100,000 are accepted.
        @Test("the longest title and body are accepted")
        func longestAccepted() async throws {
            let stack = try CurrentStack.require()
            let session = try await TestAccount.create(on: stack).login(on: stack)
            let title = String(repeating: "t", count: 200)
            let body = String(repeating: "b", count: 100_000)
            let response = try await HTTP.send(
                .post,
                stack.url(.notes, "/v1/notes"),
                bearer: session.accessToken,
                json: ["title": .string(title), "body": .string(body)]
            )
            #expect(response.status == 201)
            let note = try response.json()
            #expect(note["title"]?.string == title)
            #expect(note["body"]?.string?.count == 100_000)
        }

        /// A PATCH with an invalid title is 400 and leaves the note as it was.
        @Test("an invalid PATCH changes nothing")
        func invalidPatch() async throws {
            let stack = try CurrentStack.require()
            let session = try await TestAccount.create(on: stack).login(on: stack)
            let created = try await HTTP.send(
                .post,
                stack.url(.notes, "/v1/notes"),
                bearer: session.accessToken,
                json: ["title": "keep", "body": "me"]
            )
            try #require(created.status == 201)
            let original = try created.json()
            let url = stack.url(.notes, "/v1/notes/\(try #require(original["id"]?.string))")
            for patch: JSONValue in [["title": ""], ["title": .string(String(repeating: "t", count: 201))], ["title": "a\u{0}b"]] {
                let response = try await HTTP.send(.patch, url, bearer: session.accessToken, json: patch)
                ProblemCheck.expect(response, status: 400, type: "validation-failed")
            }
            let after = try await HTTP.send(.get, url, bearer: session.accessToken)
            #expect(try after.json() == original)
        }
    }
}
