import Foundation
import Logging
import PostgresNIO
import ServiceLifecycle

/// `LISTEN`s for revocations on a dedicated connection and drives the broadcaster: publish on
/// every notification, and on a timer that also sends the heartbeats. Reconnects with backoff.
struct RevocationListener: Service {
    let client: PostgresClient
    let broadcaster: RevocationBroadcaster
    let logger: Logger

    func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { try await self.listenUntilCancelled() }
                    group.addTask { try await self.tickUntilCancelled() }
                    try await group.next()
                    group.cancelAll()
                }
            }
        } catch is CancellationError {
            // Graceful shutdown.
        }
        await self.broadcaster.finishAll()
    }

    private func listenUntilCancelled() async throws {
        // The table exists only once the migrations have run (before the server starts).
        while !(await self.broadcaster.isPrimed) {
            try await Task.sleep(for: .milliseconds(100))
        }
        var backoff = Duration.milliseconds(200)
        while !Task.isCancelled {
            do {
                try await self.client.withConnection { connection in
                    try await connection.listen(on: RevocationFeed.channel) { notifications in
                        // Catch up on anything committed while no one was listening.
                        try await self.broadcaster.publishNew()
                        backoff = .milliseconds(200)
                        for try await _ in notifications {
                            try await self.broadcaster.publishNew()
                        }
                    }
                }
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                self.logger.warning("Revocation listener lost its connection", metadata: ["error.type": "\(type(of: error))"])
            }
            try await Task.sleep(for: backoff)
            backoff = min(backoff * 2, .seconds(5))
        }
    }

    private func tickUntilCancelled() async throws {
        while !Task.isCancelled {
            try await Task.sleep(for: RevocationFeed.heartbeatInterval)
            try? await self.broadcaster.publishNew()
            await self.broadcaster.heartbeat()
        }
    }
}
