import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import TestSupport
import Testing

/// Malformed bodies at every JSON endpoint: always a 400, 413 or 415 problem, never a 500.
@Suite struct MalformedBodyTests {
    /// A malformed body.
    enum Body: String, Sendable, CaseIterable {
        case empty
        case null
        case emptyArray
        case string
        case wrongType
        case hugeField
        case invalidUTF8
        case deeplyNested
        case textPlain

        var bytes: ByteBuffer {
            switch self {
            case .empty: ByteBuffer()
            case .null: JSONBody.raw("null")
            case .emptyArray: JSONBody.raw("[]")
            case .string: JSONBody.raw(#""x""#)
            case .wrongType: JSONBody.raw(#"{"email": 1}"#)
            case .hugeField: JSONBody.raw(#"{"email":"\#(String(repeating: "a", count: 300_000))","password":"x"}"#)
            case .invalidUTF8: JSONBody.bytes(Array(#"{"email":""#.utf8) + [0xC3, 0x28, 0xFF] + Array(#"","password":"p"}"#.utf8))
            case .deeplyNested: JSONBody.raw(String(repeating: #"{"a":"#, count: 1000) + "1" + String(repeating: "}", count: 1000))
            case .textPlain: JSONBody.raw(#"{"email":"a@example.com","password":"correct horse"}"#)
            }
        }

        var contentType: String { self == .textPlain ? "text/plain" : "application/json" }

        /// The problem every endpoint must answer, except where `refreshAnswer` differs.
        var expected: ProblemKind {
            switch self {
            case .hugeField: .payloadTooLarge
            case .textPlain: .unsupportedMediaType
            default: .validationFailed
            }
        }

        /// Refresh reads its token from the cookie when the body has none: an empty body or an
        /// object without `refresh_token` is a refresh without a token.
        var refreshAnswer: ProblemKind {
            switch self {
            case .empty, .wrongType: .refreshTokenInvalid
            default: self.expected
            }
        }
    }

    /// Every JSON endpoint answers the body's problem, never a 500, and keeps its account and session.
    @Test(arguments: Body.allCases)
    func malformedBodyIsAProblemNotACrash(_ body: Body) async throws {
        try await TestApp.run { api in
            let (user, session) = try await api.loggedInUser("malformed")
            let endpoints: [(HTTPRequest.Method, String, HTTPFields)] = [
                (.post, "/v1/accounts", [:]),
                (.post, "/v1/sessions", [:]),
                (.post, "/v1/sessions/refresh", [:]),
                (.put, "/v1/accounts/me/password", .bearer(session.accessToken)),
            ]
            for (method, path, authorization) in endpoints {
                var headers = authorization
                headers[.contentType] = body.contentType
                let response = try await api.send(method, path, headers: headers, body: body.bytes)
                #expect(response.status != .internalServerError, "\(method) \(path)")
                let expected = path == "/v1/sessions/refresh" ? body.refreshAnswer : body.expected
                expectProblem(response, expected)
            }
            #expect(try await api.isActive(session.accessToken))
            #expect(try await api.logIn(email: user.email, password: user.password).status == .created)
        }
    }
}
