import Foundation
import NIOCore
import NIOHTTP1

/// The stack under test, on free ports of 127.0.0.1 over the PostgreSQL the script started: `auth` at the
/// benchmark's bcrypt cost, a replica of `auth` at cost 4 only for seeding (1,000 sign-ups in seconds rather
/// than minutes; same database and keys), `notes`, `profile`, and the bench server, which shares the notes
/// database so that every variant reads the same rows. Tokens live an hour so that none expires during a run.
struct BenchStack: Sendable {
    /// One running service.
    struct Service: Sendable {
        /// Its name in the log lines, the log file and the memory records.
        let name: String
        let port: Int
        let process: ChildProcess
        /// Its output: `NAME.log` in the work folder.
        let log: String

        var url: String { "http://127.0.0.1:\(self.port)" }
        var pid: Int32 { self.process.pid }

        /// `VmRSS` (resident now) or `VmHWM` (the high-water mark) from `/proc/PID/status`, in MB (10^6 bytes),
        /// to two decimals as the records have always had it.
        func megabytes(_ key: String) throws -> Double {
            let status = (try? String(contentsOfFile: "/proc/\(self.pid)/status", encoding: .utf8)) ?? ""
            let line = status.split(separator: "\n").first { $0.hasPrefix(key + ":") }
            guard let field = line?.split(whereSeparator: \.isWhitespace).dropFirst().first, let kilobytes = Double(field) else {
                throw BenchError("no \(key) for \(self.name) (PID \(self.pid)): has it exited?")
            }
            return (kilobytes * 1024 / 1e6 * 100).rounded() / 100
        }
    }

    /// The executables `run` starts from `--bin`.
    static let executables = ["auth", "notes", "profile", "latchkey-bench-server"]

    let auth: Service
    let authSeed: Service
    let notes: Service
    let profile: Service
    let benchServer: Service
    /// The bench server's introspection secret: the write benchmark asks auth's endpoint with it directly.
    let benchSecret: String

    /// The services whose memory the report shows, in its order.
    var measured: [Service] { [self.auth, self.notes, self.profile, self.benchServer] }

    /// Starts the five services, each with exactly its settings, and waits until each is ready.
    static func start(settings: RunSettings) async throws -> BenchStack {
        var launcher = Launcher(settings: settings)
        let notesSecret = randomHex(16)
        let profileSecret = randomHex(16)
        let benchSecret = randomHex(16)
        let auth: [String: String] = [
            "AUTH_SECRET_KEY": Data(randomBytes(32)).base64EncodedString(),
            "INTROSPECTION_CLIENTS": "notes:\(notesSecret),profile:\(profileSecret),bench:\(benchSecret)",
            "ACCESS_TOKEN_TTL_SECONDS": "3600", "SIGNUPS_PER_CLIENT": "1000000",
            "DATABASE_URL": settings.postgresURL + "/auth", "LOG_LEVEL": "info",
        ]
        return try await withBenchHTTP(connections: 4) { http in
            let authService = try launcher.launch("auth", "auth", auth.merging(["BCRYPT_COST": "\(settings.bcryptCost)"]) { $1 })
            try await waitReady(authService, http)
            let seed = try launcher.launch("auth-seed", "auth", auth.merging(["BCRYPT_COST": "4"]) { $1 })
            let resource = ["AUTH_URL": authService.url, "INTROSPECTION_TIMEOUT_MS": "2000", "LOG_LEVEL": "info"]
            /// A resource service: its database, its introspection client, auth's URL.
            func resourceService(
                _ name: String,
                _ executable: String,
                database: String,
                client: String,
                secret: String,
                extra: [String: String] = [:]
            ) throws -> Service {
                var own = resource.merging(extra) { $1 }
                own["DATABASE_URL"] = settings.postgresURL + "/" + database
                own["INTROSPECTION_CLIENT_ID"] = client
                own["INTROSPECTION_CLIENT_SECRET"] = secret
                return try launcher.launch(name, executable, own)
            }
            let notes = try resourceService("notes", "notes", database: "notes", client: "notes", secret: notesSecret)
            let profile = try resourceService("profile", "profile", database: "profile", client: "profile", secret: profileSecret)
            try await waitReady(notes, http)
            // The bench server shares the notes database (same schema, same rows), under the notes service's name.
            let server = try resourceService(
                "bench-server",
                "latchkey-bench-server",
                database: "notes",
                client: "bench",
                secret: benchSecret,
                extra: ["SERVICE_NAME": "notes"]
            )
            for service in [seed, profile, server] { try await waitReady(service, http) }
            try await Task.sleep(for: .seconds(1))
            return BenchStack(auth: authService, authSeed: seed, notes: notes, profile: profile, benchServer: server, benchSecret: benchSecret)
        }
    }

    /// Starts services on ports no other service of this stack has.
    private struct Launcher {
        let settings: RunSettings
        var ports: Set<Int> = []

        /// `executable` from `--bin` with only these settings over the base every script gives its services
        /// (PATH, HOST=127.0.0.1, LOG_LEVEL=warning, COOKIE_SECURE=false; a setting given here wins), output in
        /// `NAME.log` of the work folder.
        mutating func launch(_ name: String, _ executable: String, _ settings: [String: String]) throws -> Service {
            let port = try FreePort.pick(avoiding: self.ports)
            self.ports.insert(port)
            let log = self.settings.work + "/\(name).log"
            let base = ["PATH": "/usr/local/bin:/usr/bin:/bin", "HOST": "127.0.0.1", "LOG_LEVEL": "warning", "COOKIE_SECURE": "false"]
            let process = try ChildProcess(
                name: name,
                executable: self.settings.bin + "/" + executable,
                environment: base.merging(settings) { $1 }.merging(["PORT": "\(port)"]) { $1 },
                log: LogFile.appending(log)
            )
            return Service(name: name, port: port, process: process, log: log)
        }
    }

    /// Waits (30 s at most) until `service` answers `/readyz` with a 2xx; fails at once when it exits meanwhile,
    /// showing the last lines of its log.
    private static func waitReady(_ service: Service, _ http: BenchHTTP) async throws {
        let deadline = ContinuousClock.now + .seconds(30)
        while true {
            if let answer = try? await http.send(.GET, service.url + "/readyz", timeout: .seconds(2)), (200..<300).contains(answer.status) {
                return
            }
            let exited = !service.process.isRunning
            if exited || ContinuousClock.now >= deadline {
                FileHandle.standardError.write(Data(LogFile.tail(service.log, 30).utf8))
                throw BenchError(
                    exited ? "\(service.name) exited while starting" : "\(service.name) was not ready on port \(service.port) within 30 s"
                )
            }
            try await Task.sleep(for: .milliseconds(200))
        }
    }
}

/// `count` random bytes from the system's generator.
private func randomBytes(_ count: Int) -> [UInt8] {
    var generator = SystemRandomNumberGenerator()
    return (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
}

/// `count` random bytes as hex (introspection secrets), as `secret_hex` of Scripts/lib/secrets.sh.
private func randomHex(_ count: Int) -> String {
    randomBytes(count).map { String(format: "%02x", $0) }.joined()
}
