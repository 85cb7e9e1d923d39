import TestSupport

extension BearerSession {
    /// Rotates the refresh token; throws unless auth answers 200.
    func refreshed(on stack: ServiceStack) async throws -> BearerSession {
        let response = try await HTTP.send(.post, stack.url(.auth, "/v1/sessions/refresh"), json: ["refresh_token": .string(self.refreshToken)])
        guard response.status == 200 else { throw HarnessError("refresh failed: HTTP \(response.status) \(response.text.prefix(300))") }
        return try BearerSession(response.json())
    }
}
