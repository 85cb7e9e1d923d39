import Foundation
import TestSupport
import Testing

/// With `auth` stopped, resource services keep serving reads and refuse writes fast with 503
/// (dangerous actions fail closed); when `auth` is back, nobody has been logged out.
@Suite("Auth outage", .serviceLogsOnFailure, .timeLimit(.minutes(2)))
struct AuthOutageTests {
    /// Stop auth by PID: reads 200; POST, PATCH, DELETE on notes and PUT on profile are 503
    /// `auth-unavailable` with `Retry-After`, well under `INTROSPECTION_TIMEOUT_MS`, and write
    /// nothing. Start auth again (same database and secret): the same access token writes, and
    /// the refresh token from before the outage still rotates.
    @Test("reads survive an auth outage, writes fail closed, sessions survive a restart")
    func authDownAndBack() async throws {
        try await withStack { stack in
            let session = try await TestAccount.create(on: stack).login(on: stack)
            let created = try await HTTP.send(
                .post,
                stack.url(.notes, "/v1/notes"),
                bearer: session.accessToken,
                json: ["title": "kept", "body": "b"]
            )
            try #require(created.status == 201)
            let note = try created.json()
            let noteURL = stack.url(.notes, "/v1/notes/\(try #require(note["id"]?.string))")
            let profileURL = stack.url(.profile, "/v1/profile")
            let put = try await HTTP.send(.put, profileURL, bearer: session.accessToken, json: ["display_name": "Before", "bio": nil])
            try #require(put.status == 200)
            let profile = try put.json()

            try #require(await stack.pid(of: .auth) != nil)
            await stack.stop(.auth)

            let list = try await HTTP.send(.get, stack.url(.notes, "/v1/notes"), bearer: session.accessToken)
            #expect(list.status == 200)
            #expect(try list.json()["items"]?.array?.count == 1)
            #expect(try await HTTP.send(.get, noteURL, bearer: session.accessToken).json() == note)
            #expect(try await HTTP.send(.get, profileURL, bearer: session.accessToken).json() == profile)

            let timeout = Duration.milliseconds(stack.options.introspectionTimeoutMilliseconds)
            let writes = [
                try await HTTP.send(.post, stack.url(.notes, "/v1/notes"), bearer: session.accessToken, json: ["title": "during outage"]),
                try await HTTP.send(.patch, noteURL, bearer: session.accessToken, json: ["title": "changed during outage"]),
                try await HTTP.send(.delete, noteURL, bearer: session.accessToken),
                try await HTTP.send(.put, profileURL, bearer: session.accessToken, json: ["display_name": "During", "bio": nil]),
            ]
            for response in writes {
                ProblemCheck.expect(response, status: 503, type: "auth-unavailable")
                let retryAfter = response.header("Retry-After").flatMap { Int($0) }
                #expect((retryAfter ?? 0) >= 1, "Retry-After: \(response.header("Retry-After") ?? "missing")")
                #expect(response.duration < timeout / 2, "a refused write took \(response.duration)")
            }

            try await stack.start(.auth)
            try await stack.waitUntilReady([.auth])

            let afterList = try await HTTP.send(.get, stack.url(.notes, "/v1/notes"), bearer: session.accessToken)
            #expect(try afterList.json()["items"] == [note], "a write refused during the outage went through")
            #expect(try await HTTP.send(.get, profileURL, bearer: session.accessToken).json() == profile)

            let again = try await HTTP.send(.post, stack.url(.notes, "/v1/notes"), bearer: session.accessToken, json: ["title": "after outage"])
            #expect(again.status == 201, "write with the same access token after the restart: \(again.text.prefix(300))")
            let profileAgain = try await HTTP.send(.put, profileURL, bearer: session.accessToken, json: ["display_name": "After", "bio": nil])
            #expect(profileAgain.status == 200)

            let rotated = try await session.refreshed(on: stack)
            #expect(rotated.refreshToken != session.refreshToken)
            let withRotated = try await HTTP.send(.post, stack.url(.notes, "/v1/notes"), bearer: rotated.accessToken, json: ["title": "rotated"])
            #expect(withRotated.status == 201)
        }
    }

    /// Freeze auth (SIGSTOP: connections are accepted, nothing answers): reads still 200; writes
    /// are 503 `auth-unavailable` with `Retry-After` once `INTROSPECTION_TIMEOUT_MS` has passed,
    /// not later, and write nothing; thawed, the same token writes again.
    @Test("a hung auth makes writes fail closed after the introspection timeout")
    func authHung() async throws {
        try await withStack(StackOptions(introspectionTimeoutMilliseconds: 500)) { stack in
            let session = try await TestAccount.create(on: stack).login(on: stack)
            let notesURL = stack.url(.notes, "/v1/notes")
            #expect(try await HTTP.send(.post, notesURL, bearer: session.accessToken, json: ["title": "before"]).status == 201)

            await stack.setPaused(.auth, true)
            let write: TestResponse
            let profileWrite: TestResponse
            do {
                #expect(try await HTTP.send(.get, notesURL, bearer: session.accessToken).status == 200)
                write = try await HTTP.send(.post, notesURL, bearer: session.accessToken, json: ["title": "while hung"])
                profileWrite = try await HTTP.send(
                    .put,
                    stack.url(.profile, "/v1/profile"),
                    bearer: session.accessToken,
                    json: ["display_name": "hung", "bio": nil]
                )
                await stack.setPaused(.auth, false)
            } catch {
                await stack.setPaused(.auth, false)
                throw error
            }
            let timeout = Duration.milliseconds(stack.options.introspectionTimeoutMilliseconds)
            for response in [write, profileWrite] {
                ProblemCheck.expect(response, status: 503, type: "auth-unavailable")
                #expect(response.header("Retry-After") != nil)
                #expect(response.duration >= timeout - .milliseconds(50), "answered in \(response.duration): did it wait for auth at all?")
                #expect(response.duration < timeout + .seconds(1), "answered in \(response.duration), past the introspection timeout")
            }

            let titles = try await HTTP.send(.get, notesURL, bearer: session.accessToken).json()["items"]?.array?.compactMap { $0["title"]?.string }
            #expect(titles == ["before"], "a write refused while auth hung went through")
            #expect(try await HTTP.send(.get, stack.url(.profile, "/v1/profile"), bearer: session.accessToken).json()["display_name"] == .null)
            #expect(try await HTTP.send(.post, notesURL, bearer: session.accessToken, json: ["title": "after"]).status == 201)
        }
    }
}
