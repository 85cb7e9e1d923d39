import Foundation

/// One revocation as the feed publishes it: `{"seq", "sid", "sub", "revoked_at", "reason"}`.
struct RevocationEvent: Sendable, Equatable {
    let seq: Int64
    let sessionID: UUID
    let accountID: UUID
    let revokedAt: Date
    let reason: String

    /// The SSE frame: `event: revoked`, `id: <seq>` and the JSON data line.
    var serverSentEvent: String {
        let revokedAt = self.revokedAt.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
        let reason = self.reason.filter { $0.isLetter || $0 == "_" }
        let data =
            "{\"seq\":\(self.seq),\"sid\":\"\(self.sessionID.uuidString.lowercased())\",\"sub\":\"\(self.accountID.uuidString.lowercased())\","
            + "\"revoked_at\":\"\(revokedAt)\",\"reason\":\"\(reason)\"}"
        return "event: revoked\nid: \(self.seq)\ndata: \(data)\n\n"
    }

    /// The epoch frame sent first on every stream: the feed's epoch and the last sequence number handed
    /// out. A client whose last `seq` is past `head`, or that saw another epoch before, resynchronises.
    static func epochFrame(epoch: UUID, head: Int64) -> String {
        "event: epoch\ndata: {\"epoch\":\"\(epoch.uuidString.lowercased())\",\"head\":\(head)}\n\n"
    }

    /// The heartbeat frame.
    static let heartbeat = "event: heartbeat\ndata: {}\n\n"
}
