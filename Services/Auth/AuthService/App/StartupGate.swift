/// A one-way gate between two servers of one process: the internal listener waits at it until the public
/// server's prelude (migrations, signing keys, the revocation broadcaster) has run, so that nothing is
/// served from a database or a key ring that is not ready yet.
///
/// One waiter only (an `AsyncStream` has one consumer), which is all the internal listener needs.
final class StartupGate: Sendable {
    private let stream: AsyncStream<Never>
    private let continuation: AsyncStream<Never>.Continuation

    init() {
        (self.stream, self.continuation) = AsyncStream.makeStream()
    }

    /// Opens the gate: the waiter, or a later ``wait()``, goes on at once.
    func open() {
        self.continuation.finish()
    }

    /// Returns once the gate is open; throws `CancellationError` when the task is cancelled first (the
    /// process is stopping, for instance because the prelude failed).
    func wait() async throws {
        for await _ in self.stream {}
        try Task.checkCancellation()
    }
}
