/// Constants shared by the revocation feed's writer, listener and stream.
enum RevocationFeed {
    /// The PostgreSQL `NOTIFY` channel.
    static let channel = "latchkey_revocations"
    /// Serializes revocation inserts so sequence numbers commit in order.
    static let sequenceLockKey: Int64 = 0x6C6B_7265_766B
    /// How often every stream gets a heartbeat (the contract asks for at least every 5 s).
    static let heartbeatInterval = Duration.seconds(2)
    /// Extra time a revocation is replayed beyond the access-token lifetime (covers the 30 s leeway).
    static let replayMargin: Double = 60
    /// How long an account deletion stays in the replay, so that a resource service down for up to
    /// this long still deletes the user's data when it comes back (the contract asks for 30 days).
    static let accountDeletionReplay: Double = 30 * 86_400
    /// How many items one stream may have waiting before it is cut off (the client resumes from the replay).
    static let subscriberBufferSize = 10_000
}
