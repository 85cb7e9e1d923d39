/// What a revocation stream is sent: a revocation or a heartbeat.
enum FeedItem: Sendable {
    case revoked(RevocationEvent)
    case heartbeat
}
