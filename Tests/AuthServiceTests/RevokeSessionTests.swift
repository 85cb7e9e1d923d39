import Foundation
import HTTPTypes
import HummingbirdTesting
import TestSupport
import Testing

/// `DELETE /v1/sessions/{id}`: revoking one of the caller's own sessions.
@Suite struct RevokeSessionTests {
    /// Revoking another of one's own sessions answers 204; that session's refresh and access token
    /// then fail with `session-ended`, while the caller's session goes on.
    @Test func revokesOwnSession() async throws {
        try await TestApp.run { api in
            let (user, caller) = try await api.loggedInUser("revoke-one")
            let target = try await api.bearerSession(user)
            let response = try await api.send(.delete, "/v1/sessions/\(target.sessionID)", headers: .bearer(caller.accessToken))
            #expect(response.status == .noContent)
            #expect(try await StoredState.session(id: target.sessionID)?.revoked == true)
            expectProblem(try await api.refresh(target.refreshToken), .sessionEnded)
            expectProblem(try await api.listSessions(target.accessToken), .sessionEnded)
            #expect(try await api.isActive(caller.accessToken))
            _ = try await api.rotate(caller.refreshToken)
        }
    }

    /// Another user's session id is 404 `not-found`, and that session still works.
    @Test func anotherUsersSessionIsNotFound() async throws {
        try await TestApp.run { api in
            let (_, caller) = try await api.loggedInUser("revoker")
            let (_, victim) = try await api.loggedInUser("victim")
            let response = try await api.send(.delete, "/v1/sessions/\(victim.sessionID)", headers: .bearer(caller.accessToken))
            expectProblem(response, .notFound)
            #expect(try await StoredState.session(id: victim.sessionID)?.revoked == false)
            #expect(try await api.isActive(victim.accessToken))
            _ = try await api.rotate(victim.refreshToken)
        }
    }

    /// An unknown session id, a non-UUID id and an already revoked session are 404 `not-found`.
    @Test(arguments: ["unknown", "not-a-uuid", "revoked"])
    func unknownIdIsNotFound(_ kind: String) async throws {
        try await TestApp.run { api in
            let (user, caller) = try await api.loggedInUser("revoke-unknown")
            var id = kind == "unknown" ? UUID().uuidString.lowercased() : "not-a-uuid"
            if kind == "revoked" {
                let other = try await api.bearerSession(user)
                _ = try await api.send(.delete, "/v1/sessions/\(other.sessionID)", headers: .bearer(caller.accessToken))
                id = other.sessionID
            }
            expectProblem(try await api.send(.delete, "/v1/sessions/\(id)", headers: .bearer(caller.accessToken)), .notFound)
            #expect(try await api.isActive(caller.accessToken))
        }
    }
}
