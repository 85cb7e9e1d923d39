import HTTPTypes

/// The tokens of one bearer-mode session, as auth's login and refresh return them, and the body they came in.
package struct BearerSession: Sendable {
    package let accessToken: String
    package let refreshToken: String
    package let sessionID: String
    package let body: JSONValue

    /// Reads a login or refresh body; throws when a token is missing.
    package init(_ body: JSONValue) throws {
        guard let access = body["access_token"]?.string, let refresh = body["refresh_token"]?.string,
            let session = body["session"]?["id"]?.string
        else { throw TestSetupError("not a session tokens body: \(body)") }
        self.accessToken = access
        self.refreshToken = refresh
        self.sessionID = session
        self.body = body
    }

    /// `Authorization: Bearer <access token>`.
    package var headers: HTTPFields { .bearer(self.accessToken) }
}
