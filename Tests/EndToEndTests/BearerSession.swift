/// The tokens of one bearer-mode session, as login and refresh return them.
struct BearerSession: Sendable {
    let accessToken: String
    let refreshToken: String
    let sessionID: String

    /// Reads a login or refresh body; throws when a token is missing.
    init(_ body: JSONValue) throws {
        guard let access = body["access_token"]?.string, let refresh = body["refresh_token"]?.string,
            let session = body["session"]?["id"]?.string
        else { throw HarnessError("not a session tokens body: \(body)") }
        self.accessToken = access
        self.refreshToken = refresh
        self.sessionID = session
    }

    /// Rotates the refresh token; throws unless auth answers 200.
    func refreshed(on stack: ServiceStack) async throws -> BearerSession {
        let response = try await HTTP.send(.post, stack.url(.auth, "/v1/sessions/refresh"), json: ["refresh_token": .string(self.refreshToken)])
        guard response.status == 200 else { throw HarnessError("refresh failed: HTTP \(response.status) \(response.text.prefix(300))") }
        return try BearerSession(response.json())
    }
}
