import BookmarksService
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TokenKitHummingbird

/// The answers every route shares: the start gate, problem+json for every error, and `X-Request-ID`.
@Suite struct MiddlewareTests {
    struct Unexpected: Error {
        let secret = "do not show me"
    }

    static func app(gateOpen: Bool) -> some ApplicationProtocol {
        let router = Router(context: BookmarksRequestContext.self)
        router.add(middleware: RequestIDMiddleware())
        router.add(middleware: ProblemMiddleware())
        router.add(middleware: StartGate { gateOpen })
        router.get("/healthz") { _, _ in "ok" }
        router.get("/v1/bookmarks") { _, _ in "read" }
        router.get("/denied") { _, _ -> String in throw AccessDenied.tokenMissing }
        router.get("/crash") { _, _ -> String in throw Unexpected() }
        router.post("/v1/bookmarks") { request, context in try await request.decode(as: NewBookmark.self, context: context).url }
        return Application(router: router)
    }

    /// The body's `type`, after checking the problem's shape.
    static func problemType(_ response: TestResponse, status: HTTPResponse.Status) throws -> String {
        #expect(response.status == status)
        #expect(response.headers[.contentType] == "application/problem+json")
        let body = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
        #expect(body?["status"] as? Int == Int(status.code))
        #expect(body?["title"] is String && body?["detail"] is String)
        return body?["type"] as? String ?? ""
    }

    @Test func theGateRefusesAllButHealthUntilItOpens() async throws {
        try await Self.app(gateOpen: false).test(.router) { client in
            let refused = try await client.execute(uri: "/v1/bookmarks", method: .get)
            #expect(try Self.problemType(refused, status: .serviceUnavailable) == "urn:latchkey:problem:auth-unavailable")
            #expect(refused.headers[.retryAfter] == "1")
            #expect(try await client.execute(uri: "/healthz", method: .get).status == .ok)
        }
        try await Self.app(gateOpen: true).test(.router) { client in
            let read = try await client.execute(uri: "/v1/bookmarks", method: .get)
            #expect(String(buffer: read.body) == "read")
        }
    }

    @Test func tokenKitRefusalsKeepTheirChallenge() async throws {
        try await Self.app(gateOpen: true).test(.router) { client in
            let response = try await client.execute(uri: "/denied", method: .get)
            #expect(try Self.problemType(response, status: .unauthorized) == "urn:latchkey:problem:token-missing")
            #expect(response.headers[.wwwAuthenticate] == #"Bearer realm="latchkey""#)
        }
    }

    @Test func everyOtherErrorIsAProblem() async throws {
        try await Self.app(gateOpen: true).test(.router) { client in
            let crash = try await client.execute(uri: "/crash", method: .get)
            #expect(try Self.problemType(crash, status: .internalServerError) == "urn:latchkey:problem:internal-error")
            #expect(!String(buffer: crash.body).contains("do not show me"))
            let missing = try await client.execute(uri: "/nowhere", method: .get)
            #expect(try Self.problemType(missing, status: .notFound) == "urn:latchkey:problem:not-found")
            let unreadable = try await client.execute(uri: "/v1/bookmarks", method: .post, body: ByteBuffer(string: "{"))
            #expect(try Self.problemType(unreadable, status: .badRequest) == "urn:latchkey:problem:validation-failed")
            let url = "https://a.example/" + String(repeating: "a", count: BookmarksRequestContext.maximumBodySize)
            let large = try await client.execute(uri: "/v1/bookmarks", method: .post, body: ByteBuffer(string: #"{"url":"\#(url)"}"#))
            #expect(try Self.problemType(large, status: .contentTooLarge) == "urn:latchkey:problem:payload-too-large")
        }
    }

    @Test func everyAnswerCarriesARequestID() async throws {
        try await Self.app(gateOpen: false).test(.router) { client in
            let kept = try await client.execute(uri: "/healthz", method: .get, headers: [.init("X-Request-ID")!: "trace-1.a_b"])
            #expect(kept.headers[.init("X-Request-ID")!] == "trace-1.a_b")
            // A refused request too, and an id that is not acceptable is replaced.
            let replaced = try await client.execute(uri: "/v1/bookmarks", method: .get, headers: [.init("X-Request-ID")!: "no spaces allowed"])
            let id = replaced.headers[.init("X-Request-ID")!] ?? ""
            #expect(!id.isEmpty && id != "no spaces allowed")
        }
    }
}
