import TestSupport
import Testing

extension SharedStackSuite {
    /// HEAD is a safe method like GET (contract: "Safe (GET, HEAD)"; RFC 9110 §9.1: every
    /// general-purpose server supports GET and HEAD): same status and headers, no body.
    @Suite("Safe methods")
    struct SafeMethodTests {
        /// HEAD on the read routes answers like GET without a body: 200 with a token, 401 with a challenge without one.
        @Test("HEAD answers like GET")
        func headLikeGet() async throws {
            let stack = try CurrentStack.require()
            let session = try await TestAccount.create(on: stack).login(on: stack)
            let created = try await HTTP.send(.post, stack.url(.notes, "/v1/notes"), bearer: session.accessToken, json: ["title": "head"])
            let id = try #require(try created.json()["id"]?.string)
            for url in [stack.url(.notes, "/v1/notes"), stack.url(.notes, "/v1/notes/\(id)"), stack.url(.profile, "/v1/profile")] {
                let head = try await HTTP.send(.head, url, bearer: session.accessToken)
                #expect(head.status == 200, "HEAD \(url)")
                #expect(head.body.isEmpty)
                let anonymous = try await HTTP.send(.head, url)
                #expect(anonymous.status == 401, "HEAD \(url) without a token")
                #expect(anonymous.header("WWW-Authenticate") == #"Bearer realm="latchkey""#)
            }
            let note = try await HTTP.send(.head, stack.url(.notes, "/v1/notes/\(id)"), bearer: session.accessToken)
            #expect(note.header("ETag") == created.header("ETag"))
        }
    }
}
