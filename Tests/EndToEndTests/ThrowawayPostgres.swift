import Dispatch
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A PostgreSQL cluster of one test's own, made with `Scripts/postgres-throwaway.sh`, that the test
/// may stop and start again on the same port (the shared test server must never be restarted:
/// other suites run on it in parallel).
///
/// As root, the server runs as the `postgres` system user, as the script does it.
struct ThrowawayPostgres: Sendable {
    /// The cluster's folder (data/, port, postgres.log).
    let folder: URL
    /// The port it listens on, on 127.0.0.1.
    let port: Int
    /// The server, for ``ServiceStack`` and psql.
    var server: TestPostgres { TestPostgres(serverURL: "postgres://postgres@127.0.0.1:\(self.port)") }

    private static var script: URL { PackageLocation.root.appendingPathComponent("Scripts/postgres-throwaway.sh") }
    private static let runuser = URL(fileURLWithPath: "/usr/sbin/runuser")

    /// Creates and starts a cluster in a fresh folder under `LATCHKEY_TEST_CLUSTERS` (set by
    /// `Scripts/with-test-postgres.sh`, which stops whatever a crashed test process left there), else under
    /// /dev/shm (or the temporary folder).
    static func start() async throws -> ThrowawayPostgres {
        let fallback = FileManager.default.isWritableFile(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
        let base = ProcessInfo.processInfo.environment["LATCHKEY_TEST_CLUSTERS"] ?? fallback
        let folder = URL(fileURLWithPath: base).appendingPathComponent("latchkey-e2e-pg-\(UUID().uuidString.prefix(8).lowercased())")
        do {
            _ = try await Self.run(Self.script, ["start", folder.path], timeout: .seconds(60))
            let portText = try String(contentsOf: folder.appendingPathComponent("port"), encoding: .utf8)
            guard let port = Int(portText.trimmingCharacters(in: .whitespacesAndNewlines)) else {
                throw HarnessError("no port in \(folder.path)/port")
            }
            return ThrowawayPostgres(folder: folder, port: port)
        } catch {
            _ = try? await Self.run(Self.script, ["stop", folder.path], timeout: .seconds(60))
            throw error
        }
    }

    /// Runs `body` with a fresh cluster, and always removes the cluster afterwards.
    static func with<T: Sendable>(_ body: (ThrowawayPostgres) async throws -> T) async throws -> T {
        let cluster = try await Self.start()
        do {
            let result = try await body(cluster)
            await cluster.remove()
            return result
        } catch {
            await cluster.remove()
            throw error
        }
    }

    /// Stops the server (fast shutdown: sessions are disconnected), keeping the cluster.
    func stopServer() async throws {
        _ = try await self.pgCtl(["stop", "-D", self.dataPath, "-m", "fast", "-w", "-t", "30"])
    }

    /// Starts the stopped server again on the same port and waits until it accepts connections.
    func startServer() async throws {
        _ = try await self.pgCtl([
            "start", "-D", self.dataPath, "-w", "-t", "30", "-l", self.folder.appendingPathComponent("postgres.log").path, "-o", "-p \(self.port)",
        ])
    }

    /// Stops the server (if running) and deletes the cluster; never throws.
    func remove() async {
        _ = try? await Self.run(Self.script, ["stop", self.folder.path], timeout: .seconds(60))
    }

    private var dataPath: String { self.folder.appendingPathComponent("data").path }

    private func pgCtl(_ arguments: [String]) async throws -> String {
        let pgCtl = try Self.pgBin().appendingPathComponent("pg_ctl")
        if getuid() == 0 {
            return try await Self.run(Self.runuser, ["-u", "postgres", "--", pgCtl.path] + arguments, timeout: .seconds(60))
        }
        return try await Self.run(pgCtl, arguments, timeout: .seconds(60))
    }

    /// `$PG_BIN`, else /usr/lib/postgresql/15/bin, else the newest /usr/lib/postgresql/*/bin, as the script chooses.
    private static func pgBin() throws -> URL {
        if let bin = ProcessInfo.processInfo.environment["PG_BIN"], !bin.isEmpty { return URL(fileURLWithPath: bin) }
        let preferred = "/usr/lib/postgresql/15/bin"
        if FileManager.default.isExecutableFile(atPath: preferred + "/pg_ctl") { return URL(fileURLWithPath: preferred) }
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []
        guard let newest = versions.compactMap(Int.init).max() else { throw HarnessError("no PostgreSQL server binaries under /usr/lib/postgresql") }
        return URL(fileURLWithPath: "/usr/lib/postgresql/\(newest)/bin")
    }

    /// Runs a command to completion within `timeout`; throws with its output when it fails.
    ///
    /// Spawned with `posix_spawn` and reaped with `waitpid`, not with Foundation's `Process`: the
    /// commands start a PostgreSQL daemon that outlives them, and `Process` may not notice that the
    /// command itself has exited while its daemon runs on.
    private static func run(_ executable: URL, _ arguments: [String], timeout: Duration) async throws -> String {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("latchkey-e2e-pgctl-\(UUID().uuidString).log")
        defer { try? FileManager.default.removeItem(at: output) }
        let status = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Int32, any Error>) in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try Self.spawnAndWait(executable.path, arguments, output: output.path, timeout: timeout) })
            }
        }
        let text = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
        guard status == 0 else {
            throw HarnessError("\(executable.lastPathComponent) \(arguments) failed (\(status)): \(text)")
        }
        return text
    }

    /// Spawns `path` with `arguments`, stdout and stderr to `output`, and waits (blocking) for its exit status.
    private static func spawnAndWait(_ path: String, _ arguments: [String], output: String, timeout: Duration) throws -> Int32 {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let argv: [UnsafeMutablePointer<CChar>?] = ([path] + arguments).map { strdup($0) } + [nil]
        let environment: [UnsafeMutablePointer<CChar>?] = [strdup("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"), nil]
        defer {
            for pointer in argv + environment { free(pointer) }
        }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, path, &actions, nil, argv, environment)
        guard spawned == 0 else { throw HarnessError("posix_spawn \(path) failed: \(spawned)") }
        let deadline = ContinuousClock.now + timeout
        var status: Int32 = 0
        while true {
            let reaped = waitpid(pid, &status, WNOHANG)
            if reaped == pid { break }
            if reaped < 0 { throw HarnessError("waitpid \(pid) failed: errno \(errno)") }
            if ContinuousClock.now >= deadline {
                kill(pid, SIGKILL)
                _ = waitpid(pid, &status, 0)
                throw HarnessError("\(path) \(arguments) did not finish within \(timeout)")
            }
            usleep(20_000)
        }
        // WIFEXITED / WEXITSTATUS, which Swift does not import as functions.
        return (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
    }
}
