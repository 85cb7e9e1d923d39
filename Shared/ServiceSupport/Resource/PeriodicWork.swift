import ServiceLifecycle

/// Runs a piece of work at a fixed interval until graceful shutdown or cancellation, which end it
/// quietly: the loop every background service of Latchkey needs.
public enum PeriodicWork {
    /// Sleeps `interval`, runs `work`, and repeats; returns when the service group shuts down.
    public static func run(every interval: Duration, _ work: @escaping @Sendable () async -> Void) async throws {
        do {
            try await cancelWhenGracefulShutdown {
                while !Task.isCancelled {
                    try await Task.sleep(for: interval)
                    await work()
                }
            }
        } catch is CancellationError {
            // Graceful shutdown.
        }
    }
}
