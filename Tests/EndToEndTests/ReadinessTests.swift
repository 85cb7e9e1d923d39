import TestSupport
import Testing

/// A resource service is not ready until it has auth's signing keys: `/readyz` is 503 while
/// `auth` is unreachable and turns 200 within seconds of `auth` starting.
@Suite("Readiness", .serviceLogsOnFailure, .timeLimit(.minutes(2)))
struct ReadinessTests {
    /// Start notes and profile before auth: `/healthz` 200 but `/readyz` 503; start auth: `/readyz` 200 within 10 s.
    @Test("resource services are not ready until auth is reachable")
    func notReadyWithoutAuth() async throws {
        try await withStack(startingServices: false) { stack in
            try await stack.start(.notes)
            try await stack.start(.profile)
            try await stack.waitUntilListening(ServiceKind.resourceServices)
            for service in ServiceKind.resourceServices {
                #expect(try await HTTP.send(.get, stack.url(service, "/healthz")).status == 200)
                #expect(try await HTTP.send(.get, stack.url(service, "/readyz")).status == 503, "\(service.rawValue) ready without auth")
            }
            try await Task.sleep(for: .milliseconds(500))
            for service in ServiceKind.resourceServices {
                #expect(try await HTTP.send(.get, stack.url(service, "/readyz")).status == 503, "\(service.rawValue) ready without auth")
            }

            try await stack.start(.auth)
            try await stack.waitUntilReady([.auth])
            try await stack.waitUntilReady(ServiceKind.resourceServices, timeout: .seconds(10))

            let session = try await TestAccount.create(on: stack).login(on: stack)
            #expect(try await HTTP.send(.get, stack.url(.notes, "/v1/notes"), bearer: session.accessToken).status == 200)
        }
    }
}
