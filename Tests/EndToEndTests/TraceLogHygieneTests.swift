import Foundation
import TestSupport
import Testing

/// `LOG_LEVEL=trace` is for debugging the services, not for dumping the database into the log:
/// postgres-nio gets a logger capped at `debug`, so no row bytes (e-mails, password hashes) appear.
@Suite("Trace log hygiene", .timeLimit(.minutes(2)))
struct TraceLogHygieneTests {
    @Test("LOG_LEVEL=trace writes no row bytes to auth's log")
    func traceLogHasNoRowBytes() async throws {
        let postgres = try TestPostgres.fromEnvironment()
        let database = "e2e_trace_\(UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(10))"
        try await postgres.createDatabases([database])
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("latchkey-e2e-trace-\(UUID().uuidString).log")
        let port = try FreePort.pick()
        let secret = Data((0..<32).map { _ in UInt8.random(in: .min ... .max) }).base64EncodedString()
        let auth = try await ChildProcess.launch(
            executable: try PackageLocation.executable(named: "auth"),
            arguments: [],
            environment: [
                "PATH": "/usr/bin:/bin", "HOST": "127.0.0.1", "PORT": String(port), "DATABASE_URL": postgres.url(of: database),
                "AUTH_SECRET_KEY": secret, "BCRYPT_COST": "4", "COOKIE_SECURE": "false", "LOG_LEVEL": "trace",
                "INTROSPECTION_CLIENTS": "notes:secret",
            ],
            logFile: log
        )
        defer {
            try? FileManager.default.removeItem(at: log)
        }
        do {
            let deadline = ContinuousClock.now + .seconds(30)
            while (try? await HTTP.send(.get, "http://127.0.0.1:\(port)/readyz", timeout: .seconds(2)))?.status != 200 {
                guard auth.isRunning, ContinuousClock.now < deadline else { throw HarnessError("auth did not get ready") }
                try await Task.sleep(for: .milliseconds(100))
            }
            let email = "trace-\(UUID().uuidString.lowercased())@e2e.example"
            let credentials: JSONValue = ["email": .string(email), "password": "trace-password"]
            #expect(try await HTTP.send(.post, "http://127.0.0.1:\(port)/v1/accounts", json: credentials).status == 201)
            #expect(try await HTTP.send(.post, "http://127.0.0.1:\(port)/v1/sessions", json: credentials).status == 201)
            #expect(try await HTTP.send(.post, "http://127.0.0.1:\(port)/v1/sessions", json: credentials).status == 201)
            await auth.stop()
            let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            // postgres-nio prints a row as a ByteBuffer: its bytes in hex, separated by spaces.
            let hexBytes = email.utf8.map { String(format: "%02x", $0) }
            #expect(!text.contains(email), "the e-mail is in the trace log")
            #expect(!text.lowercased().contains(hexBytes.joined()), "the e-mail's bytes are in the trace log")
            #expect(!text.lowercased().contains(hexBytes.prefix(12).joined(separator: " ")), "the e-mail's bytes are in the trace log")
            #expect(!text.contains("$2b$") && !text.contains("$2a$") && !text.contains("$2y$"), "a bcrypt hash is in the trace log")
            #expect(!text.contains("Backend message received"), "postgres-nio logged backend messages")
            #expect(!text.isEmpty)
        } catch {
            await auth.stop()
            try? await postgres.dropDatabases([database])
            throw error
        }
        try? await postgres.dropDatabases([database])
    }
}
