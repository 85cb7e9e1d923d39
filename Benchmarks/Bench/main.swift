import ArgumentParser
import Dispatch
import Foundation
import Synchronization

/// `latchkey-bench`'s entry point: parses the command line (``LatchkeyBench``) and runs the command.
///
/// The main thread waits on a semaphore rather than being an async `main`: an async `main` parks the main
/// thread in `dispatch_main`'s `sigsuspend` on a read-only mask, which Valgrind 3.19 cannot run, and
/// `valgrind --tool=callgrind latchkey-bench verify ...` is how verification is profiled. The work runs in a
/// detached task: top-level code is on the main actor, which the waiting main thread never gives up.
let failure = Mutex<(any Error)?>(nil)
let finished = DispatchSemaphore(value: 0)

Task.detached {
    defer { finished.signal() }
    do {
        var command = try LatchkeyBench.parseAsRoot()
        if var command = command as? any AsyncParsableCommand {
            try await command.run()
        } else {
            try command.run()
        }
    } catch {
        failure.withLock { $0 = error }
    }
}
finished.wait()
LatchkeyBench.exit(withError: failure.withLock { $0 })
