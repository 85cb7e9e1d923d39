import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import ServiceSupport
import TestSupport
import Testing
import TokenKit

/// The confirmed group asks the session checker on every write and fails closed.
@Suite("Session confirmation through the router")
struct SessionConfirmationRouteTests {
    let service = TestResourceService()

    /// An active session writes; the checker is asked about exactly that session.
    @Test func activeSession() async throws {
        let user = UUID()
        let session = UUID()
        self.service.checker.update { $0.active = [session] }
        let token = try await self.service.token(subject: user, sessionID: session)
        try await self.service.application().test(.router) { client in
            let response = try await client.execute(uri: "/v1/me", method: .post, headers: [.authorization: "Bearer \(token)"])

            #expect(response.status == .ok)
            #expect(String(buffer: response.body) == "confirmed \(user.uuidString.lowercased())")
            #expect(self.service.checker.askedSessionIDs == [session])
        }
    }

    /// An inactive session is 401 `session-ended`, with an `invalid_token` challenge.
    @Test func inactiveSession() async throws {
        let token = try await self.service.token()
        try await self.service.application().test(.router) { client in
            let response = try await client.execute(uri: "/v1/me", method: .post, headers: [.authorization: "Bearer \(token)"])

            try ProblemExpectations.expect(response, .sessionEnded, notContaining: [token])
            #expect(
                response.headers[.wwwAuthenticate] == "Bearer realm=\"latchkey\", error=\"invalid_token\", error_description=\"session ended\""
            )
        }
    }

    /// A checker that cannot answer: its 503 `auth-unavailable` with `Retry-After` passes through.
    @Test func checkerUnavailable() async throws {
        let session = UUID()
        self.service.checker.update {
            $0.active = [session]
            $0.failure = .retryLater(.authUnavailable, detail: "The authentication service did not answer.", afterSeconds: 2)
        }
        let token = try await self.service.token(sessionID: session)
        try await self.service.application().test(.router) { client in
            let response = try await client.execute(uri: "/v1/me", method: .post, headers: [.authorization: "Bearer \(token)"])

            try ProblemExpectations.expect(response, .authUnavailable, notContaining: [token])
            #expect(response.headers[.retryAfter] == "2")
        }
    }

    /// A bad or expired token is refused before the checker is asked.
    @Test func badTokenNeverReachesChecker() async throws {
        let expired = try await self.service.token(issuedAt: TokenForge.now - 3600)
        try await self.service.application().test(.router) { client in
            let invalid = try await client.execute(uri: "/v1/me", method: .post, headers: [.authorization: "Bearer a.b.c"])
            let tooOld = try await client.execute(uri: "/v1/me", method: .post, headers: [.authorization: "Bearer \(expired)"])

            try ProblemExpectations.expect(invalid, .tokenInvalid)
            try ProblemExpectations.expect(tooOld, .tokenExpired, notContaining: [expired])
            #expect(self.service.checker.askedSessionIDs.isEmpty)
        }
    }

    /// Reads never ask the checker, even for a session it would call ended.
    @Test func readsNeverAskChecker() async throws {
        let token = try await self.service.token()
        try await self.service.application().test(.router) { client in
            let response = try await client.execute(uri: "/v1/me", method: .get, headers: [.authorization: "Bearer \(token)"])

            #expect(response.status == .ok)
            #expect(self.service.checker.askedSessionIDs.isEmpty)
        }
    }
}
