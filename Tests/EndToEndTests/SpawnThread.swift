import Dispatch
import Foundation
import Synchronization

/// One long-lived thread that starts every child process.
///
/// `setpriv --pdeathsig` ties a child's life to the *thread* that forked it, not the process, and
/// the threads Swift concurrency runs on may exit when idle. Spawning from this thread, which
/// never exits, makes the parent-death signal fire only when the test process itself dies.
final class SpawnThread: Sendable {
    /// The process-wide instance.
    static let shared = SpawnThread()

    private let jobs = Mutex<[@Sendable () -> Void]>([])
    private let available = DispatchSemaphore(value: 0)

    private init() {
        let thread = Thread { [self] in self.serve() }
        thread.name = "e2e-spawner"
        thread.start()
    }

    private func serve() -> Never {
        while true {
            self.available.wait()
            let job = self.jobs.withLock { $0.removeFirst() }
            job()
        }
    }

    /// Runs `work` on the spawning thread and returns its result.
    func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            self.jobs.withLock { $0.append { continuation.resume(with: Result { try work() }) } }
            self.available.signal()
        }
    }
}
