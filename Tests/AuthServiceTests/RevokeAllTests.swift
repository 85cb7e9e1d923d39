import Foundation
import HTTPTypes
import HummingbirdTesting
import TestSupport
import Testing

/// `DELETE /v1/sessions`: revoking all of the caller's sessions, optionally keeping the current one.
@Suite struct RevokeAllTests {
    /// Without `keep_current`, every session of the caller ends, including the caller's own; other
    /// users' sessions do not.
    @Test func revokesEverySession() async throws {
        try await TestApp.run { api in
            let (user, caller) = try await api.loggedInUser("revoke-all")
            let others = [try await api.bearerSession(user), try await api.bearerSession(user)]
            let (_, stranger) = try await api.loggedInUser("bystander")
            let response = try await api.send(.delete, "/v1/sessions", headers: .bearer(caller.accessToken))
            #expect(response.status == .noContent)
            for session in [caller] + others {
                #expect(try await StoredState.session(id: session.sessionID)?.revoked == true)
                expectProblem(try await api.refresh(session.refreshToken), .sessionEnded)
                expectProblem(try await api.listSessions(session.accessToken), .sessionEnded)
            }
            #expect(try await api.isActive(stranger.accessToken))
        }
    }

    /// With `?keep_current=true` the caller's session survives and every other one ends.
    @Test func keepCurrentKeepsTheCallersSession() async throws {
        try await TestApp.run { api in
            let (user, caller) = try await api.loggedInUser("keep-current")
            let others = [try await api.bearerSession(user), try await api.bearerSession(user)]
            let response = try await api.send(.delete, "/v1/sessions?keep_current=true", headers: .bearer(caller.accessToken))
            #expect(response.status == .noContent)
            #expect(response.setCookies.isEmpty)
            for session in others {
                expectProblem(try await api.refresh(session.refreshToken), .sessionEnded)
            }
            #expect(try await api.isActive(caller.accessToken))
            _ = try await api.rotate(caller.refreshToken)
        }
    }

    /// `?keep_current=maybe` is 400 `validation-failed` and revokes nothing.
    @Test func invalidKeepCurrentIsRefused() async throws {
        try await TestApp.run { api in
            let (user, caller) = try await api.loggedInUser("keep-maybe")
            let other = try await api.bearerSession(user)
            let response = try await api.send(.delete, "/v1/sessions?keep_current=maybe", headers: .bearer(caller.accessToken))
            ProblemCheck.expectValidationError(response, field: "keep_current")
            #expect(try await api.isActive(caller.accessToken))
            #expect(try await api.isActive(other.accessToken))
        }
    }
}
