import Foundation

/// One event of the feed: a session's revocation (`event: revoked`, `{"seq", "sid", "sub",
/// "revoked_at", "reason"}`) or an account's deletion (`event: account-deleted`, `{"seq", "sub",
/// "deleted_at"}`), in one sequence so that a client's `after=<seq>` covers both.
struct RevocationEvent: Sendable, Equatable {
    /// What the event says.
    enum Kind: Sendable, Equatable {
        /// A session ended.
        case revoked(sessionID: UUID, reason: String)
        /// The account is gone: every service deletes that user's data.
        case accountDeleted
    }

    let seq: Int64
    let kind: Kind
    let accountID: UUID
    /// When the session was revoked, or the account deleted.
    let at: Date

    /// The `kind` column of an account deletion's row in `revocations`.
    static let accountDeletedKind = "account-deleted"

    /// The SSE frame: the event's name, `id: <seq>` and the JSON data line.
    var serverSentEvent: String {
        let at = self.at.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
        let sub = self.accountID.uuidString.lowercased()
        switch self.kind {
        case .revoked(let sessionID, let reason):
            let reason = reason.filter { $0.isLetter || $0 == "_" }
            let data =
                "{\"seq\":\(self.seq),\"sid\":\"\(sessionID.uuidString.lowercased())\",\"sub\":\"\(sub)\","
                + "\"revoked_at\":\"\(at)\",\"reason\":\"\(reason)\"}"
            return "event: revoked\nid: \(self.seq)\ndata: \(data)\n\n"
        case .accountDeleted:
            return "event: account-deleted\nid: \(self.seq)\ndata: {\"seq\":\(self.seq),\"sub\":\"\(sub)\",\"deleted_at\":\"\(at)\"}\n\n"
        }
    }

    /// The epoch frame sent first on every stream: the feed's epoch and the last sequence number handed
    /// out. A client whose last `seq` is past `head`, or that saw another epoch before, resynchronises.
    static func epochFrame(epoch: UUID, head: Int64) -> String {
        "event: epoch\ndata: {\"epoch\":\"\(epoch.uuidString.lowercased())\",\"head\":\(head)}\n\n"
    }

    /// The heartbeat frame.
    static let heartbeat = "event: heartbeat\ndata: {}\n\n"
}
