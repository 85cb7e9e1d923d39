import Foundation
import Logging
import PostgresNIO

/// Failed (and reserved) login attempts, shared by every auth replica through the database.
struct LoginFailureRepository: Sendable {
    let client: PostgresClient
    let logger: Logger

    /// The times of the newest `limit` failures for the e-mail since `since`, newest first.
    func recentFailures(email: String, since: Date, limit: Int, on connection: PostgresConnection) async throws -> [Date] {
        try await self.times(
            connection.query(
                "SELECT failed_at FROM login_failures WHERE email = \(email) AND failed_at > \(since) ORDER BY failed_at DESC LIMIT \(limit)",
                logger: self.logger
            )
        )
    }

    /// The times of the newest `limit` failures from the client address since `since`, newest first.
    func recentFailures(clientAddress: String, since: Date, limit: Int, on connection: PostgresConnection) async throws -> [Date] {
        try await self.times(
            connection.query(
                """
                SELECT failed_at FROM login_failures WHERE client_address = \(clientAddress) AND failed_at > \(since)
                ORDER BY failed_at DESC LIMIT \(limit)
                """,
                logger: self.logger
            )
        )
    }

    /// Writes a failure and returns its id.
    func record(email: String, clientAddress: String, at now: Date, on connection: PostgresConnection) async throws -> Int64 {
        let rows = try await connection.query(
            "INSERT INTO login_failures (email, client_address, failed_at) VALUES (\(email), \(clientAddress), \(now)) RETURNING id",
            logger: self.logger
        )
        var id: Int64?
        for try await value in rows.decode(Int64.self) { id = value }
        guard let id else { throw MissingReturnedRow() }
        return id
    }

    /// Deletes one failure (a withdrawn reservation).
    func delete(id: Int64) async throws {
        try await self.client.query("DELETE FROM login_failures WHERE id = \(id)", logger: self.logger)
    }

    /// Forgets the e-mail's failures after a successful login.
    func clear(email: String) async throws {
        try await self.client.query("DELETE FROM login_failures WHERE email = \(email)", logger: self.logger)
    }

    /// Deletes failures older than `before`.
    func prune(before: Date) async throws {
        try await self.client.query("DELETE FROM login_failures WHERE failed_at <= \(before)", logger: self.logger)
    }

    private func times(_ rows: PostgresRowSequence) async throws -> [Date] {
        var result: [Date] = []
        for try await date in rows.decode(Date.self) {
            result.append(date)
        }
        return result
    }
}

/// An `INSERT … RETURNING` that returned nothing, which Postgres never does.
struct MissingReturnedRow: Error {}
