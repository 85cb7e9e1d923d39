import Foundation
import Logging
import PostgresNIO
import TokenKit

/// Keeps the signing-key schedule in the database: one key signing now, the next one already
/// published, and retired keys kept until their last token has expired.
///
/// A new key activates `rotationPeriod` after the current one, and never sooner than
/// `publicationLead` after it was created, so verifiers have fetched it before it signs. A
/// retired key is deleted once its successor has been active for the access-token lifetime plus
/// a minute (the 30 s verification leeway and margin). Replicas serialize on an advisory lock.
struct SigningKeyRotator: Sendable {
    static let lockKey: Int64 = 0x6C6B_6B65_7973

    let client: PostgresClient
    let sealer: SigningKeySealer
    let rotationPeriod: TimeInterval
    let publicationLead: TimeInterval
    let accessTokenLifetime: TimeInterval
    let logger: Logger

    /// Creates and deletes keys as the schedule requires at `now`.
    func ensureKeys(now: Date) async throws {
        let repository = SigningKeyRepository(logger: self.logger)
        try await self.client.withTransaction(logger: self.logger) { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(\(Self.lockKey))", logger: self.logger)
            var rows = try await repository.all(on: connection)
            if !rows.contains(where: { $0.activatesAt <= now }) {
                let row = try self.newKey(now: now, activatesAt: now)
                try await repository.insert(row, on: connection)
                rows.insert(row, at: 0)
            }
            let current = rows.last { $0.activatesAt <= now }!
            if !rows.contains(where: { $0.activatesAt > now }) {
                let activatesAt = max(current.activatesAt.addingTimeInterval(self.rotationPeriod), now.addingTimeInterval(self.publicationLead))
                let row = try self.newKey(now: now, activatesAt: activatesAt)
                try await repository.insert(row, on: connection)
                rows.append(row)
                self.logger.info("Signing key created", metadata: ["token.kid": .string(row.kid), "key.activates_at": "\(activatesAt)"])
            }
            for (row, successor) in zip(rows, rows.dropFirst()) where successor.activatesAt <= now {
                let lastTokenExpiry = successor.activatesAt.addingTimeInterval(self.accessTokenLifetime + 60)
                if lastTokenExpiry < now {
                    try await repository.delete(kid: row.kid, on: connection)
                    self.logger.info("Signing key withdrawn", metadata: ["token.kid": .string(row.kid)])
                }
            }
        }
    }

    /// Re-seals with the current secret every key that `AUTH_SECRET_KEY_PREVIOUS` sealed, so that the
    /// previous secret may be dropped at the next restart; says how many.
    @discardableResult
    func resealWithCurrentSecret() async throws -> Int {
        let repository = SigningKeyRepository(logger: self.logger)
        let resealed = try await self.client.withTransaction(logger: self.logger) { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(\(Self.lockKey))", logger: self.logger)
            var count = 0
            for row in try await repository.all(on: connection) {
                let (key, sealedWithPrevious) = try self.sealer.openNoting(row.sealedPrivateKey, kid: row.kid)
                guard sealedWithPrevious else { continue }
                try await repository.reseal(kid: row.kid, sealedPrivateKey: try self.sealer.seal(key), on: connection)
                count += 1
            }
            return count
        }
        if resealed > 0 {
            self.logger.info("Signing keys re-sealed with the current secret", metadata: ["keys.count": "\(resealed)"])
        }
        return resealed
    }

    private func newKey(now: Date, activatesAt: Date) throws -> SigningKeyRepository.Row {
        let key = SigningKey.generate()
        return SigningKeyRepository.Row(kid: key.kid, sealedPrivateKey: try self.sealer.seal(key), createdAt: now, activatesAt: activatesAt)
    }
}
