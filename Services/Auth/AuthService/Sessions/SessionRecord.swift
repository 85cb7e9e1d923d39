import Foundation

/// A session row: one login on one device, with its refresh-rotation state.
struct SessionRecord: Sendable {
    let id: UUID
    let accountID: UUID
    let createdAt: Date
    var lastUsedAt: Date
    var idleExpiresAt: Date
    let absoluteExpiresAt: Date
    var revokedAt: Date?
    let userAgent: String?
    let ip: String?
    /// The generation of the current refresh token; the token of `generation - 1` is the previous one.
    var refreshGeneration: Int64
    /// When `refreshGeneration` last advanced: the start of the previous token's grace window.
    var generationStartedAt: Date
    let csrfHash: String

    /// Active: not revoked and neither idle nor absolute lifetime over.
    func isActive(at now: Date) -> Bool {
        self.revokedAt == nil && now < self.idleExpiresAt && now < self.absoluteExpiresAt
    }

    /// When the refresh token stops working unless used: the earlier of the two expiries.
    var refreshExpiresAt: Date { min(self.idleExpiresAt, self.absoluteExpiresAt) }
}
