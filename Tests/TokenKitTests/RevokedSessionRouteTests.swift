import Foundation
import HTTPTypes
import HummingbirdTesting
import ServiceSupport
import Testing
import TokenKit

/// Reads of a session the revocation feed reported are refused, with no call to auth.
@Suite("Revoked sessions on reads")
struct RevokedSessionRouteTests {
    let service = TestResourceService()

    /// A genuine, unexpired token of a revoked session: 401 `session-ended`, while another session reads on.
    @Test func revokedSessionIsRefusedLocally() async throws {
        let revokedSession = UUID()
        let revokedToken = try await self.service.token(sessionID: revokedSession)
        let otherToken = try await self.service.token()
        self.service.revoked.insert(revokedSession, revokedAt: Date())
        try await self.service.application().test(.router) { client in
            let refused = try await client.execute(uri: "/v1/me", method: .get, headers: [.authorization: "Bearer \(revokedToken)"])
            try ProblemExpectations.expect(refused, .sessionEnded, notContaining: [revokedToken])
            #expect(
                refused.headers[.wwwAuthenticate] == "Bearer realm=\"latchkey\", error=\"invalid_token\", error_description=\"session ended\""
            )
            let allowed = try await client.execute(uri: "/v1/me", method: .get, headers: [.authorization: "Bearer \(otherToken)"])
            #expect(allowed.status == .ok)
        }
        #expect(self.service.checker.askedSessionIDs.isEmpty)
    }
}
