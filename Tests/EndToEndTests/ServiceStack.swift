import Foundation
import Synchronization
import TestSupport

/// One running set of `auth`, `notes` and `profile`, each with a fresh database on the test
/// PostgreSQL server, its own free port on 127.0.0.1 and its output in a log file.
///
/// Every process is started through `setpriv --pdeathsig SIGKILL` (it dies with the test process)
/// and stopped by PID in ``shutdown()``, which ``withStack(_:startingServices:_:)`` always awaits.
actor ServiceStack {
    /// A short unique id, part of database names and the log folder.
    nonisolated let id: String
    /// Where each service's `<name>.log` is written.
    nonisolated let logFolder: URL
    /// The port each service listens on (a port taken before first use is replaced, see ``waitFor``).
    private nonisolated let ports: Mutex<[ServiceKind: Int]>
    nonisolated let options: StackOptions
    /// `auth`'s `INTERNAL_PORT`, when ``StackOptions/separateInternalPort`` asks for one.
    nonisolated let internalAuthPort: Int?

    private nonisolated let postgres: TestPostgres
    private nonisolated let databases: [ServiceKind: String]
    private let secretKey: String
    private let clientSecrets: [ServiceKind: String]
    private var running: [ServiceKind: ChildProcess] = [:]
    /// Where each service's log was when it was last launched, to read what that launch said.
    private var logOffsets: [ServiceKind: UInt64] = [:]
    /// Services that have answered once: their port is known to others and must not change.
    private var settled: Set<ServiceKind> = []
    private let logsPrinted = Mutex<Set<String>>([])

    private static let setpriv = URL(fileURLWithPath: "/usr/bin/setpriv")

    private init(options: StackOptions, postgres: TestPostgres) throws {
        let id = String(UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(10))
        self.id = id
        self.options = options
        self.postgres = postgres
        self.logFolder = FileManager.default.temporaryDirectory.appendingPathComponent("latchkey-e2e-\(id)", isDirectory: true)
        var ports: [ServiceKind: Int] = [:]
        for kind in ServiceKind.allCases {
            ports[kind] = try FreePort.pick()
        }
        self.ports = Mutex(ports)
        self.internalAuthPort = options.separateInternalPort ? try FreePort.pick() : nil
        self.databases = Dictionary(uniqueKeysWithValues: ServiceKind.standard.map { ($0, "e2e_\($0.rawValue)_\(id)") })
        var generator = SystemRandomNumberGenerator()
        self.secretKey = Data((0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }).base64EncodedString()
        self.clientSecrets = Dictionary(
            uniqueKeysWithValues: ServiceKind.resourceServices.map { ($0, UUID().uuidString.lowercased()) }
        )
    }

    /// Makes the databases and the log folder; starts nothing.
    ///
    /// - Parameter postgres: the server for the stack's databases; nil uses the shared test server.
    static func create(options: StackOptions = StackOptions(), postgres: TestPostgres? = nil) async throws -> ServiceStack {
        for name in ServiceKind.standard.map(\.executableName) {
            _ = try PackageLocation.executable(named: name)
        }
        guard FileManager.default.isExecutableFile(atPath: setpriv.path) else {
            throw HarnessError("\(setpriv.path) is missing (util-linux); it makes the services die with the test process")
        }
        let stack = try ServiceStack(options: options, postgres: try postgres ?? TestPostgres.fromEnvironment())
        try FileManager.default.createDirectory(at: stack.logFolder, withIntermediateDirectories: true)
        try await stack.postgres.createDatabases(ServiceKind.standard.compactMap { stack.databases[$0] })
        return stack
    }

    /// `http://127.0.0.1:<port><path>` of a service.
    nonisolated func url(_ kind: ServiceKind, _ path: String) -> String {
        "http://127.0.0.1:\(self.port(kind))\(path)"
    }

    /// The port a service listens on.
    nonisolated func port(_ kind: ServiceKind) -> Int {
        self.ports.withLock { $0[kind]! }
    }

    /// Starts `auth` and waits for it, then `notes` and `profile`, and waits for all to be ready.
    func startAll() async throws {
        try await self.start(.auth)
        try await self.waitUntilReady([.auth])
        try await self.start(.notes)
        try await self.start(.profile)
        try await self.waitUntilReady(ServiceKind.resourceServices)
    }

    /// Launches one service (it must not be running); does not wait for it.
    func start(_ kind: ServiceKind) async throws {
        guard self.running[kind] == nil else { throw HarnessError("\(kind.rawValue) is already running") }
        let binary = try PackageLocation.executable(named: kind.executableName)
        let log = self.logFile(kind)
        try Data("=== \(Date()) starting \(kind.rawValue) on port \(self.port(kind))\n".utf8).append(to: log)
        self.logOffsets[kind] = (try? FileManager.default.attributesOfItem(atPath: log.path)[.size] as? UInt64) ?? 0
        self.running[kind] = try await ChildProcess.launch(
            executable: Self.setpriv,
            arguments: ["--pdeathsig", "SIGKILL", "--", binary.path],
            environment: self.environment(for: kind),
            logFile: log
        )
    }

    /// Runs `auth admin <arguments>` with auth's settings, as an operator on the host would, and
    /// returns its exit status and output.
    func runAuthAdmin(_ arguments: [String]) async throws -> (status: Int32, output: String, errors: String) {
        let binary = try PackageLocation.executable(named: ServiceKind.auth.executableName)
        let environment = self.environment(for: .auth)
        let folder = self.logFolder
        return try await SpawnThread.shared.run {
            let process = Process()
            process.executableURL = binary
            process.arguments = ["admin"] + arguments
            process.environment = environment
            let output = folder.appendingPathComponent("admin-\(UUID().uuidString).out")
            let errors = folder.appendingPathComponent("admin-\(UUID().uuidString).err")
            _ = FileManager.default.createFile(atPath: output.path, contents: nil)
            _ = FileManager.default.createFile(atPath: errors.path, contents: nil)
            process.standardInput = FileHandle.nullDevice
            process.standardOutput = try FileHandle(forWritingTo: output)
            process.standardError = try FileHandle(forWritingTo: errors)
            try process.run()
            process.waitUntilExit()
            defer {
                try? FileManager.default.removeItem(at: output)
                try? FileManager.default.removeItem(at: errors)
            }
            return (process.terminationStatus, try String(contentsOf: output, encoding: .utf8), try String(contentsOf: errors, encoding: .utf8))
        }
    }

    /// Stops one service: SIGTERM, SIGKILL after 5 s, reaped; says how it ended.
    @discardableResult
    func stop(_ kind: ServiceKind) async -> StopOutcome {
        guard let child = self.running.removeValue(forKey: kind) else { return .notRunning }
        let outcome = await child.stop()
        try? Data("=== \(Date()) stopped \(kind.rawValue) (\(outcome))\n".utf8).append(to: self.logFile(kind))
        return outcome
    }

    /// Kills one service with SIGKILL (no graceful shutdown at all) and reaps it.
    func kill(_ kind: ServiceKind) async {
        guard let child = self.running.removeValue(forKey: kind) else { return }
        await child.killNow()
        try? Data("=== \(Date()) killed \(kind.rawValue) with SIGKILL\n".utf8).append(to: self.logFile(kind))
    }

    /// The server the stack's databases live on.
    nonisolated var databaseServer: TestPostgres { self.postgres }

    /// The Basic credentials of the stack's admin client (`ADMIN_CLIENTS`), as an `Authorization` value.
    nonisolated var adminAuthorization: String {
        "Basic " + Data("operator:admin-\(self.id)".utf8).base64EncodedString()
    }

    /// The name of the database a service uses.
    nonisolated func databaseName(_ kind: ServiceKind) -> String {
        self.databases[kind.databaseOwner]!
    }

    /// Freezes (SIGSTOP) or thaws (SIGCONT) a running service: frozen, it accepts connections but never answers.
    func setPaused(_ kind: ServiceKind, _ paused: Bool) {
        self.running[kind]?.setPaused(paused)
    }

    /// Stops and starts one service with the same settings, port and database, and waits until it is ready.
    func restart(_ kind: ServiceKind) async throws {
        await self.stop(kind)
        try await self.start(kind)
        try await self.waitUntilReady([kind])
    }

    /// The PID of a running service.
    func pid(of kind: ServiceKind) -> Int32? {
        self.running[kind]?.pid
    }

    /// Waits until each service answers `GET /readyz` with 200; fails early when one has exited.
    func waitUntilReady(_ kinds: [ServiceKind], timeout: Duration = .seconds(30)) async throws {
        try await self.waitFor(kinds, path: "/readyz", timeout: timeout)
    }

    /// Waits until each service answers `GET /healthz` with 200 (listening, whether ready or not).
    func waitUntilListening(_ kinds: [ServiceKind], timeout: Duration = .seconds(30)) async throws {
        try await self.waitFor(kinds, path: "/healthz", timeout: timeout)
    }

    private func waitFor(_ kinds: [ServiceKind], path: String, timeout: Duration) async throws {
        let deadline = ContinuousClock.now + timeout
        var portRetries = 0
        for kind in kinds {
            while true {
                guard let child = self.running[kind] else { throw HarnessError("\(kind.rawValue) is not running") }
                if !child.isRunning, portRetries < 3, self.lostPortRace(kind) {
                    // The free port was taken (e.g. as the local port of an outgoing connection)
                    // between picking it and the service binding it: pick another and launch again.
                    portRetries += 1
                    self.running[kind] = nil
                    let port = try FreePort.pick()
                    self.ports.withLock { $0[kind] = port }
                    try await self.start(kind)
                    continue
                }
                if !child.isRunning {
                    throw HarnessError(
                        "\(kind.rawValue) exited with status \(child.exitStatus ?? -1) before \(path) answered 200\n\(self.logTail())"
                    )
                }
                if let response = try? await HTTP.send(.get, self.url(kind, path), timeout: .seconds(2)) {
                    self.settled.insert(kind)
                    if response.status == 200 { break }
                }
                guard ContinuousClock.now < deadline else {
                    throw HarnessError("\(kind.rawValue) did not answer \(path) with 200 within \(timeout)\n\(self.logTail())")
                }
                try await Task.sleep(for: .milliseconds(100))
            }
        }
    }

    /// Whether the last launch of `kind` exited because its port was in use, and the port may still
    /// change: nobody has talked to the service yet and, for auth, no resource service points at it.
    private func lostPortRace(_ kind: ServiceKind) -> Bool {
        guard !self.settled.contains(kind) else { return false }
        if kind == .auth, ServiceKind.resourceServices.contains(where: { self.running[$0] != nil }) { return false }
        guard let handle = try? FileHandle(forReadingFrom: self.logFile(kind)) else { return false }
        defer { try? handle.close() }
        try? handle.seek(toOffset: self.logOffsets[kind] ?? 0)
        let output = String(decoding: (try? handle.readToEnd()) ?? Data(), as: UTF8.self)
        return output.contains("Address already in use")
    }

    /// Stops every running service by PID and drops the stack's databases. Safe to call twice.
    func shutdown() async {
        for kind in [ServiceKind.notes, .profile, .authReplica, .auth] {
            await self.stop(kind)
        }
        try? await self.postgres.dropDatabases(ServiceKind.standard.compactMap { self.databases[$0] })
    }

    /// The last `lines` lines of every service's log, labelled.
    nonisolated func logTail(lines: Int = 40) -> String {
        var text = "--- service logs of stack \(self.id) (\(self.logFolder.path)) ---\n"
        for kind in ServiceKind.allCases {
            let content = (try? String(contentsOf: self.logFile(kind), encoding: .utf8)) ?? "(no log)"
            let tail = content.split(separator: "\n", omittingEmptySubsequences: false).suffix(lines).joined(separator: "\n")
            text += "--- \(kind.rawValue).log (last \(lines) lines) ---\n\(tail)\n"
        }
        return text
    }

    /// Prints ``logTail(lines:)`` once per failing test (`key`), so a failure shows what the services said.
    nonisolated func printLogTailOnce(for key: String, reason: String) {
        let first = self.logsPrinted.withLock { $0.insert(key).inserted }
        guard first else { return }
        print("[\(key)] failed (\(reason)); \(self.logTail())")
    }

    /// Deletes the log folder unless a failure printed these logs (then they stay for a closer look).
    nonisolated func removeLogsUnlessFailed() {
        guard self.logsPrinted.withLock({ $0.isEmpty }) else { return }
        try? FileManager.default.removeItem(at: self.logFolder)
    }

    /// Everything a service has logged so far (standard output and error), with the harness's `===` lines.
    nonisolated func log(of kind: ServiceKind) -> String {
        (try? String(contentsOf: self.logFile(kind), encoding: .utf8)) ?? ""
    }

    nonisolated private func logFile(_ kind: ServiceKind) -> URL {
        self.logFolder.appendingPathComponent("\(kind.rawValue).log")
    }

    private func environment(for kind: ServiceKind) -> [String: String] {
        var environment = [
            "PATH": "/usr/local/bin:/usr/bin:/bin",
            "HOST": "127.0.0.1",
            "PORT": String(self.port(kind)),
            "DATABASE_URL": self.postgres.url(of: self.databases[kind.databaseOwner]!),
            "LOG_LEVEL": "info",
            "COOKIE_SECURE": "false",
        ]
        if let format = self.options.logFormat {
            environment["LOG_FORMAT"] = format
        }
        if let level = self.options.logLevel {
            environment["LOG_LEVEL"] = level
        }
        environment.merge(self.options.environment) { _, new in new }
        switch kind {
        case .auth, .authReplica:
            environment["AUTH_SECRET_KEY"] = self.secretKey
            environment["BCRYPT_COST"] = "4"
            // Every test signs up from 127.0.0.1; the sign-up limit has suites of its own.
            environment["SIGNUPS_PER_CLIENT"] = "1000000"
            environment["ADMIN_CLIENTS"] = "operator:admin-\(self.id)"
            environment["INTROSPECTION_CLIENTS"] = ServiceKind.resourceServices
                .map { "\($0.rawValue):\(self.clientSecrets[$0]!)" }
                .joined(separator: ",")
            if let ttl = self.options.accessTokenTTLSeconds {
                environment["ACCESS_TOKEN_TTL_SECONDS"] = String(ttl)
            }
            if let rotation = self.options.signingKeyRotationSeconds {
                environment["SIGNING_KEY_ROTATION_SECONDS"] = String(rotation)
            }
            if let grace = self.options.refreshReuseGraceSeconds {
                environment["REFRESH_REUSE_GRACE_SECONDS"] = String(grace)
            }
            if kind == .auth, let port = self.internalAuthPort {
                environment["INTERNAL_PORT"] = String(port)
            }
        case .notes, .profile:
            environment["AUTH_URL"] = self.internalAuthPort.map { "http://127.0.0.1:\($0)" } ?? self.url(.auth, "")
            environment["INTROSPECTION_CLIENT_ID"] = kind.rawValue
            environment["INTROSPECTION_CLIENT_SECRET"] = self.clientSecrets[kind]!
            environment["INTROSPECTION_TIMEOUT_MS"] = String(self.options.introspectionTimeoutMilliseconds)
        }
        return environment
    }
}

extension Data {
    /// Appends these bytes to the file at `url`, creating it when missing.
    fileprivate func append(to url: URL) throws {
        if !FileManager.default.fileExists(atPath: url.path) {
            _ = FileManager.default.createFile(atPath: url.path, contents: nil)
        }
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: self)
    }
}
