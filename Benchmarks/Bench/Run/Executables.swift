import Foundation

/// The tools the run calls by name (wrk, git, swift), found on `PATH` as the shell would find them.
enum Executables {
    /// The path of `name` (as is when it has a slash).
    static func find(_ name: String) throws -> String {
        if name.contains("/") { return name }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for folder in path.split(separator: ":") {
            let candidate = "\(folder)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw BenchError("\(name) is not on PATH")
    }

    /// Runs a short command to its end: its exit status and standard output (with standard error when
    /// `mergingErrors`, else standard error is dropped); nil when it cannot be run. For the facts `meta.json`
    /// records (commit, toolchain, wrk's version).
    static func run(_ name: String, _ arguments: [String], mergingErrors: Bool = false) -> (status: Int32, output: String)? {
        guard let executable = try? Self.find(name) else { return nil }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = pipe
        process.standardError = mergingErrors ? pipe : FileHandle.nullDevice
        guard (try? process.run()) != nil else { return nil }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
