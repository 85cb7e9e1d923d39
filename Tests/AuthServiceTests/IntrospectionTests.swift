import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import TestSupport
import Testing

/// `POST /internal/v1/introspect` (RFC 7662) for the resource services, with Basic credentials.
@Suite struct IntrospectionTests {
    /// `Authorization: Basic` of `id:secret`.
    static func basic(_ id: String, _ secret: String) -> HTTPFields {
        var headers = HTTPFields()
        headers[.authorization] = "Basic " + Data("\(id):\(secret)".utf8).base64EncodedString()
        return headers
    }

    /// Introspects `token` with `credentials`.
    static func introspect(
        _ api: AuthAPI,
        _ token: String?,
        credentials: HTTPFields = basic("notes", "notes-secret")
    ) async throws
        -> TestResponse
    {
        var headers = credentials
        headers[.contentType] = "application/x-www-form-urlencoded"
        let body = token.map { "token=" + ($0.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? $0) } ?? "other=1"
        return try await api.send(.post, "/internal/v1/introspect", headers: headers, body: JSONBody.raw(body))
    }

    /// An active token gets exactly `{active: true, sub, sid, exp, iat, client_id}`, `client_id`
    /// naming the caller.
    @Test(arguments: [("notes", "notes-secret"), ("profile", "profile-secret")])
    func activeTokenIsDescribed(client: String, secret: String) async throws {
        try await TestApp.run { api in
            let (_, session) = try await api.loggedInUser("introspect")
            let response = try await Self.introspect(api, session.accessToken, credentials: Self.basic(client, secret))
            #expect(response.status == .ok)
            #expect(response.mediaType == "application/json")
            let body = try response.json()
            let claims = try DecodedJWT(session.accessToken).claims
            #expect(body.keys == ["active", "sub", "sid", "exp", "iat", "client_id"])
            #expect(body["active"]?.bool == true)
            #expect(body["sub"] == claims["sub"])
            #expect(body["sid"]?.string == session.sessionID)
            #expect(body["exp"] == claims["exp"])
            #expect(body["iat"] == claims["iat"])
            #expect(body["client_id"]?.string == client)
        }
    }

    /// Why a token is inactive.
    enum Inactive: String, Sendable, CaseIterable {
        case revoked
        case expired
        case garbage
        case refreshToken
    }

    /// A revoked session's token, an expired token, garbage and a refresh token all get exactly
    /// `{"active": false}`.
    @Test(arguments: Inactive.allCases)
    func inactiveTokenIsOnlyInactive(_ reason: Inactive) async throws {
        try await TestApp.run { api in
            let (_, session) = try await api.loggedInUser("inactive")
            var token = session.accessToken
            switch reason {
            case .revoked: _ = try await api.send(.delete, "/v1/sessions/current", headers: .bearer(session.accessToken))
            case .expired: api.clock.advance(by: 400)
            case .garbage: token = "garbage.token.here"
            case .refreshToken: token = session.refreshToken
            }
            let response = try await Self.introspect(api, token)
            #expect(response.status == .ok)
            #expect(try response.json() == .object(["active": .bool(false)]))
            #expect(response.text.replacingOccurrences(of: " ", with: "") == #"{"active":false}"#)
        }
    }

    /// Wrong, unknown or missing client credentials are 401 with a problem body and no challenge.
    @Test(arguments: ["wrong secret", "unknown client", "other client's secret", "no credentials", "bearer token"])
    func badCredentialsAreRefused(_ kind: String) async throws {
        try await TestApp.run { api in
            let (_, session) = try await api.loggedInUser("introspect-credentials")
            let credentials: HTTPFields =
                switch kind {
                case "wrong secret": Self.basic("notes", "wrong")
                case "unknown client": Self.basic("billing", "notes-secret")
                case "other client's secret": Self.basic("notes", "profile-secret")
                case "bearer token": .bearer(session.accessToken)
                default: [:]
                }
            let response = try await Self.introspect(api, session.accessToken, credentials: credentials)
            #expect(response.status == .unauthorized)
            #expect(response.mediaType == "application/problem+json")
            #expect(response.headers[.wwwAuthenticate] == nil)
            let body = try response.json()
            #expect(body["status"]?.int == 401)
            #expect(body["type"]?.string?.hasPrefix("urn:latchkey:problem:") == true)
            #expect(!response.text.contains("active"))
        }
    }

    /// A form without `token` is 400.
    @Test func missingTokenIsValidationError() async throws {
        try await TestApp.run { api in
            ProblemCheck.expectValidationError(try await Self.introspect(api, nil), field: "token")
        }
    }
}
