import Foundation
import TestSupport
import Testing

extension OperationsSuite {
    /// `X-Request-ID` across the services: every answer carries one (the caller's when acceptable), and a
    /// write's id is on `auth`'s log line for the session check it caused, so one request can be followed
    /// through every service's log.
    @Suite("Request ids", .serviceLogsOnFailure, .timeLimit(.minutes(2)))
    struct RequestIDTests {
        @Test("every answer of every service carries X-Request-ID: the caller's when acceptable, else a new one")
        func everyAnswerCarriesAnID() async throws {
            try await withStack { stack in
                for service in ServiceKind.allCases where service != .authReplica {
                    let generated = try await HTTP.send(.get, stack.url(service, "/healthz"))
                    let id = try #require(generated.header("X-Request-ID"))
                    #expect(id.count == 32 && id.allSatisfy(\.isHexDigit))
                    let kept = try await HTTP.send(.get, stack.url(service, "/no/such/path"), headers: ["X-Request-ID": "support-ticket_42.a"])
                    #expect(kept.status == 404 && kept.header("X-Request-ID") == "support-ticket_42.a")
                    for unacceptable in ["has space", String(repeating: "a", count: 129), "semi;colon", "é"] {
                        let replaced = try await HTTP.send(.get, stack.url(service, "/healthz"), headers: ["X-Request-ID": unacceptable])
                        #expect(replaced.header("X-Request-ID").map { $0 != unacceptable && $0.count == 32 } == true)
                    }
                }
            }
        }

        @Test("a write's request id is on notes' and auth's log lines about it (LOG_LEVEL=debug, JSON logs)")
        func writeIsFollowedIntoAuth() async throws {
            try await withStack(StackOptions(logFormat: "json", logLevel: "debug")) { stack in
                let account = try await TestAccount.create(on: stack, label: "request-id")
                let session = try await account.login(on: stack)
                let id = "trace-me-\(UUID().uuidString.lowercased())"
                let write = try await HTTP.send(
                    .post,
                    stack.url(.notes, "/v1/notes"),
                    bearer: session.accessToken,
                    headers: ["X-Request-ID": id],
                    json: ["title": "followed"]
                )
                #expect(write.status == 201 && write.header("X-Request-ID") == id)
                try await Task.sleep(for: .milliseconds(300))
                for (service, path) in [(ServiceKind.notes, "/v1/notes"), (.auth, "/internal/v1/introspect")] {
                    let lines = stack.log(of: service).split(separator: "\n").filter { $0.contains(id) }
                    let answered = lines.compactMap { try? JSONValue.parse(Data($0.utf8)) }.first {
                        $0["message"]?.string == "Request answered" && $0["http.path"]?.string == path
                    }
                    #expect(answered != nil, "no 'Request answered' line for \(path) with the id in \(service.rawValue)'s log")
                    #expect(answered?["request_id"]?.string == id)
                    #expect(answered?["http.status"]?.string != nil && answered?["http.duration_ms"]?.string != nil)
                }
                #expect(!stack.log(of: .auth).contains(session.accessToken) && !stack.log(of: .notes).contains(session.accessToken))
            }
        }
    }
}
