import TestSupport

/// A user with something to lose: an account, a bearer session, one note and a profile.
struct Victim: Sendable {
    let account: TestAccount
    let session: BearerSession
    let noteID: String

    /// Signs up, logs in, writes a note and a profile.
    static func create(on stack: ServiceStack, label: String = "victim") async throws -> Victim {
        let account = try await TestAccount.create(on: stack, label: label)
        let session = try await account.login(on: stack)
        let note = try await HTTP.send(
            .post,
            stack.url(.notes, "/v1/notes"),
            bearer: session.accessToken,
            json: ["title": "private", "body": .string("of \(label)")]
        )
        guard note.status == 201, let noteID = try note.json()["id"]?.string else {
            throw HarnessError("note: HTTP \(note.status) \(note.text.prefix(300))")
        }
        let profile = try await HTTP.send(
            .put,
            stack.url(.profile, "/v1/profile"),
            bearer: session.accessToken,
            json: ["display_name": .string(label), "bio": "bio"]
        )
        guard profile.status == 200 else { throw HarnessError("profile: HTTP \(profile.status) \(profile.text.prefix(300))") }
        return Victim(account: account, session: session, noteID: noteID)
    }

    /// The victim's state in the databases.
    func snapshot(on stack: ServiceStack) async throws -> UserSnapshot {
        try await UserSnapshot.read(userID: self.account.id, on: stack)
    }

    /// Everything of the victim's that no response may ever echo.
    var secrets: [String] {
        [self.session.accessToken, self.session.refreshToken, self.account.password]
    }
}
