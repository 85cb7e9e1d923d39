import Foundation
import Logging
import NIOCore
import PostgresNIO

/// Sealed signing keys in the auth database.
struct SigningKeyRepository: Sendable {
    /// A stored key before unsealing.
    struct Row: Sendable {
        let kid: String
        let sealedPrivateKey: [UInt8]
        let createdAt: Date
        let activatesAt: Date
    }

    let logger: Logger

    func all(on connection: PostgresConnection) async throws -> [Row] {
        let rows = try await connection.query(
            "SELECT kid, sealed_private_key, created_at, activates_at FROM signing_keys ORDER BY activates_at",
            logger: self.logger
        )
        var result: [Row] = []
        for try await (kid, sealed, createdAt, activatesAt) in rows.decode((String, ByteBuffer, Date, Date).self) {
            result.append(Row(kid: kid, sealedPrivateKey: Array(buffer: sealed), createdAt: createdAt, activatesAt: activatesAt))
        }
        return result
    }

    func insert(_ row: Row, on connection: PostgresConnection) async throws {
        try await connection.query(
            """
            INSERT INTO signing_keys (kid, sealed_private_key, created_at, activates_at)
            VALUES (\(row.kid), \(ByteBuffer(bytes: row.sealedPrivateKey)), \(row.createdAt), \(row.activatesAt))
            """,
            logger: self.logger
        )
    }

    func reseal(kid: String, sealedPrivateKey: [UInt8], on connection: PostgresConnection) async throws {
        try await connection.query(
            "UPDATE signing_keys SET sealed_private_key = \(ByteBuffer(bytes: sealedPrivateKey)) WHERE kid = \(kid)",
            logger: self.logger
        )
    }

    func delete(kid: String, on connection: PostgresConnection) async throws {
        try await connection.query("DELETE FROM signing_keys WHERE kid = \(kid)", logger: self.logger)
    }
}
