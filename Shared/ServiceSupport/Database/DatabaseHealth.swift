import Logging
import PostgresNIO
import ServiceLifecycle
import Synchronization

/// Whether the service's database answers right now, as one dedicated probe connection sees it.
///
/// postgres-nio's pool keeps a request waiting while it cannot connect (up to a minute, until its
/// circuit breaker trips), so without this a request during a database outage would hang. The probe
/// holds one connection of its own, outside the pool: the database counts as up while that
/// connection is open (the server closes every session when it stops or crashes), and as down from
/// the moment it closes until a new one is accepted (tried every ``interval``, each attempt bounded
/// by ``timeout``). ``DatabaseAvailabilityMiddleware`` refuses requests with 503 while it is down,
/// and `/readyz` answers 503 without touching the pool.
public final class DatabaseHealth: Service, Sendable {
    private let configuration: PostgresConnection.Configuration
    private let logger: Logger
    /// Starts true: a service starts only after migrating its database, so it has just answered.
    private let state = Mutex(true)
    /// Set when the probe stops (shutdown), so that closing its own connection is not reported as an outage.
    private let stopping = Mutex(false)
    /// The time between two connection attempts, and how long one may take.
    private let interval: Duration
    private let timeout: Duration

    /// - Parameters:
    ///   - url: the database to probe (the service's own).
    ///   - interval: the time between two connection attempts while the database is down.
    ///   - timeout: how long a connection attempt may take.
    public convenience init(url: DatabaseURL, logger: Logger, interval: Duration = .milliseconds(500), timeout: Duration = .seconds(2)) throws {
        // Throws before the designated initializer runs: a throw after the `Mutex` is initialized
        // crashes the 6.3 optimizer (CopyPropagation) in release builds.
        self.init(configuration: try url.connectionConfiguration(), logger: logger, interval: interval, timeout: timeout)
    }

    /// - Parameters:
    ///   - configuration: the connection to hold (its connect timeout is replaced by `timeout`).
    ///   - interval: the time between two connection attempts while the database is down.
    ///   - timeout: how long a connection attempt may take.
    public init(configuration: PostgresConnection.Configuration, logger: Logger, interval: Duration, timeout: Duration) {
        var configuration = configuration
        let (seconds, attoseconds) = timeout.components
        configuration.options.connectTimeout = .milliseconds(seconds * 1000 + attoseconds / 1_000_000_000_000_000)
        self.configuration = configuration
        self.logger = logger.cappedForDatabase
        self.interval = interval
        self.timeout = timeout
    }

    /// False from a failed probe (or the probe connection closing) until the next successful one.
    public var isAvailable: Bool {
        self.state.withLock { $0 }
    }

    /// Probes until graceful shutdown.
    public func run() async throws {
        let probe = Task { await self.probeUntilCancelled() }
        await withTaskCancellationHandler {
            await withGracefulShutdownHandler {
                await probe.value
            } onGracefulShutdown: {
                self.stop(probe)
            }
        } onCancel: {
            self.stop(probe)
        }
    }

    private func stop(_ probe: Task<Void, Never>) {
        self.stopping.withLock { $0 = true }
        probe.cancel()
    }

    private func probeUntilCancelled() async {
        var attempt = 0
        while !Task.isCancelled {
            attempt += 1
            do {
                let connection = try await self.connect(attempt: attempt)
                // Connected means the server accepted a session (not while it is shutting down or
                // starting up): the database answers until this connection closes.
                self.set(true)
                await withTaskCancellationHandler {
                    try? await connection.closeFuture.get()
                } onCancel: {
                    _ = connection.close() as EventLoopFuture<Void>
                }
            } catch {
                self.logger.debug("Database probe failed", metadata: ["error.type": .string(String(reflecting: type(of: error)))])
            }
            self.set(false)
            try? await Task.sleep(for: self.interval)
        }
    }

    /// Opens the probe connection, failing with `CancellationError` when that takes longer than ``timeout``
    /// (a connect whose handshake never completes). A connection that is made after the race was lost is
    /// closed, never dropped: postgres-nio requires every connection to be closed.
    private func connect(attempt: Int) async throws -> PostgresConnection {
        let configuration = self.configuration
        let logger = self.logger
        let timeout = self.timeout
        return try await withThrowingTaskGroup(of: PostgresConnection?.self) { group in
            group.addTask { try await PostgresConnection.connect(configuration: configuration, id: attempt, logger: logger) }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            let first: Result<PostgresConnection?, any Error>
            do {
                first = .success(try await group.next() ?? nil)
            } catch {
                first = .failure(error)
            }
            group.cancelAll()
            while let late = try? await group.next() {
                if let late { try? await late.close() }
            }
            guard let connection = try first.get() else { throw CancellationError() }
            return connection
        }
    }

    private func set(_ available: Bool) {
        let changed = self.state.withLock { state in
            defer { state = available }
            return state != available
        }
        if changed, !self.stopping.withLock({ $0 }) {
            if available {
                self.logger.info("Database reachable")
            } else {
                self.logger.warning("Database unreachable; refusing requests that need it with 503")
            }
        }
    }
}
