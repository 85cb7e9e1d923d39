import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A process the run started (a service or a wrk run): exactly the environment it is given, its output in a
/// log file of the work folder, an exit that can be awaited. Every one is listed in ``ChildProcesses`` so that
/// the run stops it by PID whatever happens.
final class ChildProcess: @unchecked Sendable {
    let name: String
    let pid: Int32
    // Process is not Sendable; after `run()` it is only read here through its PID.
    private let process: Process
    private let exit: Exit

    /// The exit status once known, and who waits for it.
    private final class Exit: Sendable {
        struct State {
            var status: Int32?
            var waiters: [CheckedContinuation<Int32, Never>] = []
        }

        let state = Mutex(State())

        func record(_ status: Int32) {
            let waiters = self.state.withLock { state in
                state.status = status
                defer { state.waiters = [] }
                return state.waiters
            }
            for waiter in waiters { waiter.resume(returning: status) }
        }
    }

    /// Starts `executable` with `arguments` and only `environment`; standard output and error go to `log`.
    init(name: String, executable: String, arguments: [String] = [], environment: [String: String], log: FileHandle) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = log
        process.standardError = log
        let exit = Exit()
        // A death by signal counts as a failure (128 + the signal, as a shell reports it).
        process.terminationHandler = { process in
            exit.record(process.terminationReason == .exit ? process.terminationStatus : 128 + process.terminationStatus)
        }
        try process.run()
        self.name = name
        self.pid = process.processIdentifier
        self.process = process
        self.exit = exit
        ChildProcesses.shared.add(self)
    }

    /// Whether it still runs (it has not been reaped).
    var isRunning: Bool {
        self.exit.state.withLock { $0.status == nil }
    }

    /// Its exit status, once it has exited.
    func exitStatus() async -> Int32 {
        await withCheckedContinuation { continuation in
            let status: Int32? = self.exit.state.withLock { state in
                if state.status == nil { state.waiters.append(continuation) }
                return state.status
            }
            if let status { continuation.resume(returning: status) }
        }
    }

    /// `/proc/PID/comm`'s name (the executable's first 15 bytes), which the calling script checks before it
    /// signals a PID left over from a run that was killed.
    var commandName: String {
        String((self.process.executableURL?.lastPathComponent ?? self.name).utf8.prefix(15)) ?? self.name
    }
}

/// Every process the run started, so that each is stopped by PID when the run ends, fails or is interrupted:
/// SIGTERM to all, then SIGKILL to whatever still runs after the grace period. Each PID is also written to
/// `pids` in the work folder, for the calling script to stop if this process itself is killed.
final class ChildProcesses: Sendable {
    static let shared = ChildProcesses()

    private struct State {
        var children: [ChildProcess] = []
        var stopping = false
        var pidFile: FileHandle?
    }

    private let state = Mutex(State())

    /// Writes every PID started from now on to `path`, one `PID NAME` a line.
    func recordPIDs(in path: String) throws {
        let handle = try LogFile.appending(path)
        self.state.withLock { $0.pidFile = handle }
    }

    fileprivate func add(_ child: ChildProcess) {
        let stopping = self.state.withLock { state in
            state.children.append(child)
            state.pidFile?.write(Data("\(child.pid) \(child.commandName)\n".utf8))
            return state.stopping
        }
        // Started while the run was being stopped: it goes at once.
        if stopping { kill(child.pid, SIGTERM) }
    }

    /// Stops every child still running: SIGTERM, up to `grace` to exit, then SIGKILL. Blocks the calling
    /// thread (at most `grace` and a second); safe to call more than once.
    func stopAll(grace: Duration = .seconds(5)) {
        let children = self.state.withLock { state in
            state.stopping = true
            return state.children.filter(\.isRunning)
        }
        for child in children { kill(child.pid, SIGTERM) }
        let deadline = ContinuousClock.now + grace
        while children.contains(where: \.isRunning), ContinuousClock.now < deadline { usleep(50_000) }
        for child in children where child.isRunning { kill(child.pid, SIGKILL) }
        let reaped = ContinuousClock.now + .seconds(1)
        while children.contains(where: \.isRunning), ContinuousClock.now < reaped { usleep(20_000) }
    }
}
