import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PostgresNIO
import TestSupport
import Testing

/// The refresh grace window is stamped when the rotation happens, not when its request arrived: a
/// rotation that waited on the session row lock past the grace must not turn a genuine retry into
/// theft.
@Suite struct RefreshGraceStampTests {
    @Test func rotationThatWaitedOnTheLockStampsItsOwnTime() async throws {
        try await TestApp.run(["REFRESH_REUSE_GRACE_SECONDS": "10"]) { api in
            let (_, session) = try await api.loggedInUser("grace-stamp")
            let sessionID = try #require(UUID(uuidString: session.sessionID))
            let rotated = try await TestDatabase.withConnection(to: TestEnvironment.databaseURL()) { connection in
                try await connection.query("BEGIN", logger: TestApp.logger)
                try await connection.query("SELECT id FROM sessions WHERE id = \(sessionID) FOR UPDATE", logger: TestApp.logger)
                async let refresh = api.refresh(session.refreshToken)
                try await Self.waitForALockWaiter(connection)
                // The rotation is stuck behind the lock while time passes the whole grace.
                api.clock.advance(by: 15)
                try await connection.query("COMMIT", logger: TestApp.logger)
                return try await refresh
            }
            #expect(rotated.status == .ok)
            let successor = try BearerSession(rotated.json())
            // The same token again, at once: a retry inside the grace of the rotation just made.
            let retry = try await api.refresh(session.refreshToken)
            #expect(retry.status == .ok)
            #expect(try BearerSession(retry.json()).refreshToken == successor.refreshToken)
            #expect(try await StoredState.session(id: session.sessionID)?.revoked == false)
        }
    }

    /// Polls `pg_locks` until some transaction waits for a lock (the refresh's `FOR UPDATE`).
    static func waitForALockWaiter(_ connection: PostgresConnection) async throws {
        for _ in 0..<2000 {
            let rows = try await connection.query("SELECT count(*) FROM pg_locks WHERE NOT granted", logger: TestApp.logger)
            var waiting: Int64 = 0
            for try await count in rows.decode(Int64.self) { waiting = count }
            if waiting > 0 { return }
            try await Task.sleep(for: .milliseconds(5))
        }
        throw TestSetupError("the refresh never waited on the session row lock")
    }
}
