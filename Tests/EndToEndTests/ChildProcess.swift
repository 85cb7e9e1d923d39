import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A child process started on the ``SpawnThread``, stopped and reaped by PID.
///
/// Foundation's `Process` reaps the child; ``stop(grace:)`` sends SIGTERM, then SIGKILL when the
/// grace period has passed, and returns only once the child is gone.
final class ChildProcess: Sendable {
    /// The child's process id (that of `setpriv`, which execs the program in place).
    let pid: Int32
    private let process: Process

    private init(process: Process) {
        self.process = process
        self.pid = process.processIdentifier
    }

    /// Starts `executable` with `arguments` and exactly `environment`, its output appended to `logFile`
    /// (or discarded when nil).
    static func launch(
        executable: URL,
        arguments: [String],
        environment: [String: String],
        logFile: URL?
    ) async throws -> ChildProcess {
        try await SpawnThread.shared.run {
            let process = Process()
            process.executableURL = executable
            process.arguments = arguments
            process.environment = environment
            process.standardInput = FileHandle.nullDevice
            if let logFile {
                if !FileManager.default.fileExists(atPath: logFile.path) {
                    _ = FileManager.default.createFile(atPath: logFile.path, contents: nil)
                }
                let handle = try FileHandle(forWritingTo: logFile)
                try handle.seekToEnd()
                process.standardOutput = handle
                process.standardError = handle
            } else {
                process.standardOutput = FileHandle.nullDevice
                process.standardError = FileHandle.nullDevice
            }
            try process.run()
            return ChildProcess(process: process)
        }
    }

    /// Whether the child is still running.
    var isRunning: Bool { self.process.isRunning }

    /// The exit status, once the child has exited.
    var exitStatus: Int32? { self.process.isRunning ? nil : self.process.terminationStatus }

    /// Waits until the child exits, at most `timeout`; true when it has exited.
    func waitForExit(timeout: Duration) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while self.process.isRunning {
            if ContinuousClock.now >= deadline { return false }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return true
    }

    /// Pauses (SIGSTOP) or resumes (SIGCONT) the child.
    func setPaused(_ paused: Bool) {
        guard self.process.isRunning else { return }
        kill(self.pid, paused ? SIGSTOP : SIGCONT)
    }

    /// SIGKILL at once; returns once the child has exited and been reaped.
    func killNow() async {
        guard self.process.isRunning else { return }
        kill(self.pid, SIGKILL)
        _ = await self.waitForExit(timeout: .seconds(10))
    }

    /// SIGTERM, then SIGKILL after `grace`; returns once the child has exited and been reaped, saying which.
    @discardableResult
    func stop(grace: Duration = .seconds(5)) async -> StopOutcome {
        guard self.process.isRunning else { return .notRunning }
        kill(self.pid, SIGTERM)
        kill(self.pid, SIGCONT)  // a paused child handles SIGTERM only once continued
        if await self.waitForExit(timeout: grace) {
            return self.process.terminationReason == .exit ? .exited(status: self.process.terminationStatus) : .killed
        }
        kill(self.pid, SIGKILL)
        _ = await self.waitForExit(timeout: .seconds(10))
        return .killed
    }
}
