import Foundation
import TestSupport
import Testing

/// Every service stops gracefully on SIGTERM (exit status 0, well before the harness would SIGKILL it),
/// and with `LOG_FORMAT=json` every line it writes is one JSON object with the fields of the log format.
@Suite("Graceful shutdown and JSON logs", .serviceLogsOnFailure, .timeLimit(.minutes(2)))
struct GracefulShutdownTests {
    @Test("SIGTERM stops every service cleanly; JSON logs are one object a line")
    func sigtermAndJSONLogs() async throws {
        try await withStack(StackOptions(logFormat: "json")) { stack in
            // Some traffic first, so that there is something to log and to shut down: pools, the feed, keep-alive.
            let session = try await TestAccount.create(on: stack).login(on: stack)
            let created = try await HTTP.send(.post, stack.url(.notes, "/v1/notes"), bearer: session.accessToken, json: ["title": "t"])
            #expect(created.status == 201)
            let put = try await HTTP.send(.put, stack.url(.profile, "/v1/profile"), bearer: session.accessToken, json: ["display_name": "d"])
            #expect(put.status == 200)
            #expect(try await HTTP.send(.get, stack.url(.notes, "/v1/notes"), bearer: "not-a-token").status == 401)

            // The resource services first (they hold connections to auth), then auth.
            for kind in [ServiceKind.notes, .profile, .auth] {
                #expect(await stack.stop(kind) == .exited(status: 0), "\(kind.rawValue) did not stop cleanly on SIGTERM")
            }

            for kind in [ServiceKind.auth, .notes, .profile] {
                let lines = stack.log(of: kind).split(separator: "\n").filter { !$0.hasPrefix("===") }
                #expect(lines.count >= 2, "\(kind.rawValue) logged \(lines.count) lines")
                for line in lines {
                    let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
                    #expect(object != nil, "\(kind.rawValue): not one JSON object: \(line.prefix(200))")
                    for field in ["ts", "level", "logger", "message"] {
                        #expect(object?[field] is String, "\(kind.rawValue): no \(field) in \(line.prefix(200))")
                    }
                }
            }
        }
    }
}
