import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import ServiceSupport
import TestSupport
import Testing
import TokenKit
import TokenKitHummingbird

/// ``AccessTokenAuthenticator`` and the authenticated group through a real Hummingbird router.
@Suite("Authentication through the router")
struct AuthenticationRouteTests {
    let service = TestResourceService()

    /// No token: 401 `token-missing` with a bare challenge, no `error=`.
    @Test func missingToken() async throws {
        try await self.service.application().test(.router) { client in
            let response = try await client.execute(uri: "/v1/me", method: .get)

            try ProblemExpectations.expect(response, .tokenMissing)
            #expect(response.headers[.wwwAuthenticate] == "Bearer realm=\"latchkey\"")
        }
    }

    /// An `Authorization` header of another scheme is not a token: 401 `token-missing`.
    @Test func otherAuthorizationScheme() async throws {
        try await self.service.application().test(.router) { client in
            let response = try await client.execute(uri: "/v1/me", method: .get, headers: [.authorization: "Basic YWxpY2U6c2VjcmV0"])

            try ProblemExpectations.expect(response, .tokenMissing)
        }
    }

    /// A bad token (garbage, forged or empty): 401 `token-invalid` with `error="invalid_token"`, never echoed.
    @Test(arguments: ["garbage", "forged", "empty"])
    func badToken(kind: String) async throws {
        let token =
            switch kind {
            case "garbage": "not.a.token"
            case "forged": try await TestResourceService().token()
            default: ""
            }
        try await self.service.application().test(.router) { client in
            let response = try await client.execute(uri: "/v1/me", method: .get, headers: [.authorization: "Bearer \(token)"])

            try ProblemExpectations.expect(response, .tokenInvalid, notContaining: token.isEmpty ? [] : [token])
            #expect(response.headers[.wwwAuthenticate] == "Bearer realm=\"latchkey\", error=\"invalid_token\", error_description=\"invalid\"")
        }
    }

    /// A genuine but expired token: 401 `token-expired` with `error_description="expired"`.
    @Test func expiredToken() async throws {
        let token = try await self.service.token(issuedAt: TokenForge.now - 3600)
        try await self.service.application().test(.router) { client in
            let response = try await client.execute(uri: "/v1/me", method: .get, headers: [.authorization: "Bearer \(token)"])

            try ProblemExpectations.expect(response, .tokenExpired, notContaining: [token])
            #expect(response.headers[.wwwAuthenticate] == "Bearer realm=\"latchkey\", error=\"invalid_token\", error_description=\"expired\"")
        }
    }

    /// A good bearer token reads the user id, with no session check.
    @Test func bearerRead() async throws {
        let user = UUID()
        let token = try await self.service.token(subject: user)
        try await self.service.application().test(.router) { client in
            let response = try await client.execute(uri: "/v1/me", method: .get, headers: [.authorization: "Bearer \(token)"])

            #expect(response.status == .ok)
            #expect(String(buffer: response.body) == "\(user.uuidString.lowercased()) bearer")
            #expect(self.service.checker.askedSessionIDs.isEmpty)
        }
    }

    /// A good cookie token reads without any CSRF token.
    @Test func cookieReadNeedsNoCSRF() async throws {
        let user = UUID()
        let token = try await self.service.token(subject: user, csrf: "csrf-value")
        try await self.service.application().test(.router) { client in
            let response = try await client.execute(uri: "/v1/me", method: .get, headers: [.cookie: self.service.cookieHeader(access: token)])

            #expect(response.status == .ok)
            #expect(String(buffer: response.body) == "\(user.uuidString.lowercased()) cookie")
        }
    }

    /// With both, the bearer token wins: its user is the caller, and a bad bearer is not rescued by a good cookie.
    @Test func bearerWinsOverCookie() async throws {
        let bearerUser = UUID()
        let bearer = try await self.service.token(subject: bearerUser)
        let cookie = try await self.service.token(subject: UUID(), csrf: "csrf-value")
        try await self.service.application().test(.router) { client in
            let both: HTTPFields = [.authorization: "Bearer \(bearer)", .cookie: self.service.cookieHeader(access: cookie)]
            let response = try await client.execute(uri: "/v1/me", method: .get, headers: both)
            let badBearer: HTTPFields = [.authorization: "Bearer x.y.z", .cookie: self.service.cookieHeader(access: cookie)]
            let refused = try await client.execute(uri: "/v1/me", method: .get, headers: badBearer)

            #expect(String(buffer: response.body) == "\(bearerUser.uuidString.lowercased()) bearer")
            try ProblemExpectations.expect(refused, .tokenInvalid, notContaining: [cookie])
        }
    }

    /// A cookie under the other `COOKIE_SECURE` setting's name is ignored: 401 `token-missing`.
    @Test(arguments: [true, false])
    func cookieOfOtherSettingIgnored(secure: Bool) async throws {
        let service = TestResourceService(secureCookies: secure)
        let otherName = TokenCookieNames(secure: !secure).access
        let token = try await service.token(csrf: "csrf-value")
        try await service.application().test(.router) { client in
            let response = try await client.execute(uri: "/v1/me", method: .get, headers: [.cookie: "\(otherName)=\(token)"])

            try ProblemExpectations.expect(response, .tokenMissing, notContaining: [token])
        }
    }

    /// The confirmed group without a token is 401 `token-missing` too, and asks no checker.
    @Test func confirmedGroupWithoutToken() async throws {
        try await self.service.application().test(.router) { client in
            let response = try await client.execute(uri: "/v1/me", method: .post)

            try ProblemExpectations.expect(response, .tokenMissing)
            #expect(response.headers[.wwwAuthenticate] == "Bearer realm=\"latchkey\"")
            #expect(self.service.checker.askedSessionIDs.isEmpty)
        }
    }
}
