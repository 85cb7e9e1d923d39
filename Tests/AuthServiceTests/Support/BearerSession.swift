import HTTPTypes
import Hummingbird

/// The tokens of a bearer login or refresh, and the body they came in.
struct BearerSession: Sendable {
    let accessToken: String
    let refreshToken: String
    let sessionID: String
    let body: JSONValue

    init(body: JSONValue) throws {
        guard let access = body["access_token"]?.string, let refresh = body["refresh_token"]?.string,
            let sessionID = body["session"]?["id"]?.string
        else { throw TestSetupError("not a token response: \(body)") }
        self.accessToken = access
        self.refreshToken = refresh
        self.sessionID = sessionID
        self.body = body
    }

    /// `Authorization: Bearer <access token>`.
    var headers: HTTPFields { .bearer(self.accessToken) }
}
