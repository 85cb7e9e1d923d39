import TestSupport
import Testing

extension AttackSuite {
    /// One user's genuine token against another user's resources.
    @Suite("Cross-user attacks")
    struct CrossUserAttackTests {
        /// A's token on B's note (GET, HEAD, PATCH with `If-Match: *`, DELETE) is 404, and A cannot
        /// revoke B's session: 404. B's rows are unchanged and B's session still works.
        @Test("A's token on B's note and session")
        func crossUser() async throws {
            let stack = try CurrentStack.require()
            let alice = try await Victim.create(on: stack, label: "alice")
            let bob = try await Victim.create(on: stack, label: "bob")
            let bobBefore = try await bob.snapshot(on: stack)
            let noteURL = stack.url(.notes, "/v1/notes/\(bob.noteID)")
            let token = alice.session.accessToken
            let secrets = bob.secrets + alice.secrets

            ResponseHygiene.expectProblem(try await HTTP.send(.get, noteURL, bearer: token), status: 404, type: "not-found", secrets: secrets)
            let head = try await HTTP.send(.head, noteURL, bearer: token)
            #expect(head.status == 404)
            ResponseHygiene.expectProblem(
                try await HTTP.send(.patch, noteURL, bearer: token, headers: ["If-Match": "*"], json: ["title": "alice was here"]),
                status: 404,
                type: "not-found",
                secrets: secrets
            )
            ResponseHygiene.expectProblem(try await HTTP.send(.delete, noteURL, bearer: token), status: 404, type: "not-found", secrets: secrets)
            let revoke = try await HTTP.send(.delete, stack.url(.auth, "/v1/sessions/\(bob.session.sessionID)"), bearer: token)
            ResponseHygiene.expectProblem(revoke, status: 404, type: "not-found", secrets: secrets)
            let list = try await HTTP.send(.get, stack.url(.auth, "/v1/sessions"), bearer: token)
            #expect(!list.text.contains(bob.session.sessionID), "A's session list shows B's session")
            let notes = try await HTTP.send(.get, stack.url(.notes, "/v1/notes"), bearer: token)
            #expect(!notes.text.contains(bob.noteID), "A's note list shows B's note")

            #expect(try await bob.snapshot(on: stack) == bobBefore, "A changed B's data")
            #expect(try await HTTP.send(.get, noteURL, bearer: bob.session.accessToken).status == 200)
            _ = try await bob.session.refreshed(on: stack)
        }
    }
}
