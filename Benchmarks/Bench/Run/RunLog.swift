import Foundation

/// The run's progress on standard error as `[bench   12s] message`, the format of the calling script's lines
/// (Scripts/lib/throwaway-stack.sh), with seconds counted from the script's start, so that the two read as one log.
struct RunLog: Sendable {
    /// Seconds the script had run before this process started.
    let offsetSeconds: Int
    let started = ContinuousClock.now

    /// Seconds since the script started.
    var elapsedSeconds: Int {
        self.offsetSeconds + Int((ContinuousClock.now - self.started).components.seconds)
    }

    func callAsFunction(_ message: String) {
        let seconds = String(self.elapsedSeconds)
        let padded = String(repeating: " ", count: max(0, 4 - seconds.count)) + seconds
        FileHandle.standardError.write(Data("[bench \(padded)s] \(message)\n".utf8))
    }
}

/// Files in the work folder that several writers append to: the services' and wrk's output, the lines of the
/// in-process benchmarks. Opened with `O_APPEND`, as the shell's `>>`, so that concurrent writers never overwrite
/// each other.
enum LogFile {
    /// A handle that appends to `path`, which is created when missing.
    static func appending(_ path: String) throws -> FileHandle {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw BenchError("cannot write \(path): \(String(cString: strerror(errno)))") }
        return FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
    }

    /// A line writer for an in-process benchmark's `say`: each line appended to `path`.
    static func lines(_ path: String) throws -> @Sendable (String) -> Void {
        let handle = try Self.appending(path)
        return { line in handle.write(Data((line + "\n").utf8)) }
    }

    /// The last `count` lines of `path`, each ending in a newline (nothing when it cannot be read): what a
    /// failed service said last.
    static func tail(_ path: String, _ count: Int) -> String {
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").suffix(count).map { $0 + "\n" }.joined()
    }
}
