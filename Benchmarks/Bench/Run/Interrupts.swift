import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// SIGINT, SIGTERM and SIGHUP end a run the way the shell's traps ended it: every child process is stopped
/// by PID and the process exits 130, 143 or 129, so that the calling script keeps the work folder for a look
/// and stops PostgreSQL.
///
/// The handler only writes the signal's number to a pipe (`write` is async-signal-safe); a thread of its own
/// reads the pipe and does the stopping, whatever the run's tasks are awaiting at that moment. A handler
/// rather than the default action: the script starts this process in the background, where bash has set
/// SIGINT to ignored.
enum Interrupts {
    /// Installs the handlers; `stop` runs once, on the first of these signals, before the process exits.
    static func install(_ stop: @escaping @Sendable (Int32) -> Void) {
        // Touched here first, so that the handler only ever reads an initialized global.
        let descriptor = interruptPipe.read
        Thread.detachNewThread {
            var number: UInt8 = 0
            while read(descriptor, &number, 1) != 1 {}
            receivedSignal.withLock { $0 = Int32(number) }
            stop(Int32(number))
            exit(128 + Int32(number))
        }
        for signalNumber in [SIGINT, SIGTERM, SIGHUP] {
            _ = signal(signalNumber) { number in
                var byte = UInt8(truncatingIfNeeded: number)
                _ = write(interruptPipe.write, &byte, 1)
            }
        }
    }

    /// When a signal is ending the run, waits for the process to end (the interrupt's thread ends it): a failure
    /// the signal caused, such as a wrk run cut short, is not the run's to report, nor its exit status.
    static func yieldToInterrupt() async {
        guard receivedSignal.withLock({ $0 }) != nil else { return }
        while true { try? await Task.sleep(for: .seconds(60)) }
    }
}

/// The signal that is ending the run, once one has arrived.
private let receivedSignal = Mutex<Int32?>(nil)

/// The pipe from the signal handler to the thread that stops the run.
private let interruptPipe: (read: Int32, write: Int32) = {
    var descriptors: [Int32] = [-1, -1]
    guard pipe(&descriptors) == 0 else { fatalError("pipe: \(String(cString: strerror(errno)))") }
    return (descriptors[0], descriptors[1])
}()
