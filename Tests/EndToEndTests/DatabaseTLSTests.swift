import Foundation
import Logging
import NIOSSL
import PostgresNIO
import ServiceSupport
import TestSupport
import Testing

/// `DATABASE_URL`'s `sslmode` for real: a PostgreSQL cluster of the test's own that accepts TLS only
/// (`hostnossl … reject`), with a server certificate for `localhost` signed by a throwaway CA. Each mode
/// connects, or is refused, as libpq defines it; a mode outside the four stops the start.
@Suite("Database TLS", .serialized, .timeLimit(.minutes(3)))
struct DatabaseTLSTests {
    static let logger: Logger = {
        var logger = Logger(label: "DatabaseTLSTests")
        logger.logLevel = .critical
        return logger
    }()

    /// The certificates: a CA, a server certificate for `localhost` only (no IP address), and another CA.
    struct Certificates {
        let folder: URL
        var ca: String { self.folder.appendingPathComponent("ca.crt").path }
        var otherCA: String { self.folder.appendingPathComponent("other-ca.crt").path }
        var serverCertificate: String { self.folder.appendingPathComponent("server.crt").path }
        var serverKey: String { self.folder.appendingPathComponent("server.key").path }
    }

    static func openssl(_ arguments: [String], in folder: URL) async throws {
        let openssl = URL(fileURLWithPath: "/usr/bin/openssl")
        guard FileManager.default.isExecutableFile(atPath: openssl.path) else {
            throw HarnessError("\(openssl.path) is missing; install it (apt-get install openssl)")
        }
        let log = folder.appendingPathComponent("openssl.log")
        let child = try await ChildProcess.launch(executable: openssl, arguments: arguments, environment: ["PATH": "/usr/bin:/bin"], logFile: log)
        guard await child.waitForExit(timeout: .seconds(30)), child.exitStatus == 0 else {
            throw HarnessError("openssl \(arguments) failed: \((try? String(contentsOf: log, encoding: .utf8)) ?? "")")
        }
    }

    /// Makes the CA, the other CA and the server certificate (P-256 keys, a day of validity) in `folder`.
    static func makeCertificates(in folder: URL) async throws -> Certificates {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        let path = { (name: String) in folder.appendingPathComponent(name).path }
        for (name, subject) in [("ca", "/CN=latchkey test CA"), ("other-ca", "/CN=someone else's CA")] {
            try await Self.openssl(
                [
                    "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1",
                    "-subj", subject, "-keyout", path("\(name).key"), "-out", path("\(name).crt"),
                ],
                in: folder
            )
        }
        try await Self.openssl(
            [
                "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-subj", "/CN=localhost",
                "-keyout", path("server.key"), "-out", path("server.csr"),
            ],
            in: folder
        )
        try Data("subjectAltName=DNS:localhost\n".utf8).write(to: folder.appendingPathComponent("server.ext"))
        try await Self.openssl(
            [
                "x509", "-req", "-in", path("server.csr"), "-CA", path("ca.crt"), "-CAkey", path("ca.key"), "-CAcreateserial",
                "-days", "1", "-extfile", path("server.ext"), "-out", path("server.crt"),
            ],
            in: folder
        )
        let certificates = Certificates(folder: folder)
        // The server (the postgres user, when the tests run as root) must own its key, readable by it alone.
        var attributes: [FileAttributeKey: Any] = [.posixPermissions: 0o600]
        if getuid() == 0 { attributes[.ownerAccountName] = "postgres" }
        try FileManager.default.setAttributes(attributes, ofItemAtPath: certificates.serverKey)
        if getuid() == 0 { try FileManager.default.setAttributes([.ownerAccountName: "postgres"], ofItemAtPath: certificates.serverCertificate) }
        return certificates
    }

    /// Turns TLS on in `cluster` with `certificates`, refuses every connection without TLS, and restarts it.
    static func requireTLS(on cluster: ThrowawayPostgres, certificates: Certificates) async throws {
        let data = cluster.folder.appendingPathComponent("data")
        let configuration = data.appendingPathComponent("postgresql.conf")
        let handle = try FileHandle(forWritingTo: configuration)
        try handle.seekToEnd()
        try handle.write(
            contentsOf: Data("ssl = on\nssl_cert_file = '\(certificates.serverCertificate)'\nssl_key_file = '\(certificates.serverKey)'\n".utf8)
        )
        try handle.close()
        let hba = data.appendingPathComponent("pg_hba.conf")
        let rules = try String(contentsOf: hba, encoding: .utf8)
        try ("hostnossl all all 127.0.0.1/32 reject\nhostssl all all 127.0.0.1/32 trust\n" + rules).write(to: hba, atomically: false, encoding: .utf8)
        try await cluster.stopServer()
        try await cluster.startServer()
    }

    /// Connects with `url`'s settings and says whether the session uses TLS; throws when refused.
    static func connect(_ url: String) async throws -> Bool {
        let parsed = try DatabaseURL(parsing: url)
        let connection = try await PostgresConnection.connect(configuration: try parsed.connectionConfiguration(), id: 1, logger: Self.logger)
        defer { Task { try? await connection.close() } }
        let rows = try await connection.query("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()", logger: Self.logger)
        for try await ssl in rows.decode(Bool.self) { return ssl }
        return false
    }

    /// The matrix: what connects (always over TLS) and what is refused.
    @Test("sslmode is honoured as libpq defines it")
    func tlsMatrix() async throws {
        try await ThrowawayPostgres.with { cluster in
            let certificates = try await Self.makeCertificates(in: cluster.folder.appendingPathComponent("tls"))
            try await Self.requireTLS(on: cluster, certificates: certificates)
            let port = cluster.port
            let connects: [(String, String)] = [
                (
                    "verify-full, right CA, host in the certificate",
                    "postgres://postgres@localhost:\(port)/postgres?sslmode=verify-full&sslrootcert=\(certificates.ca)"
                ),
                (
                    "verify-ca, right CA, host not in the certificate",
                    "postgres://postgres@127.0.0.1:\(port)/postgres?sslmode=verify-ca&sslrootcert=\(certificates.ca)"
                ),
                ("require without a CA: encrypted, not verified", "postgres://postgres@127.0.0.1:\(port)/postgres?sslmode=require"),
                (
                    "require with the right CA (verified as verify-ca)",
                    "postgres://postgres@127.0.0.1:\(port)/postgres?sslmode=require&sslrootcert=\(certificates.ca)"
                ),
            ]
            for (label, url) in connects {
                do {
                    #expect(try await Self.connect(url), "\(label): connected without TLS")
                } catch {
                    Issue.record("\(label): refused: \(String(reflecting: error))")
                }
            }
            let refused: [(String, String)] = [
                (
                    "verify-full, host name not in the certificate",
                    "postgres://postgres@127.0.0.1:\(port)/postgres?sslmode=verify-full&sslrootcert=\(certificates.ca)"
                ),
                ("verify-full, wrong CA", "postgres://postgres@localhost:\(port)/postgres?sslmode=verify-full&sslrootcert=\(certificates.otherCA)"),
                ("verify-ca, wrong CA", "postgres://postgres@localhost:\(port)/postgres?sslmode=verify-ca&sslrootcert=\(certificates.otherCA)"),
                ("require with a wrong CA", "postgres://postgres@localhost:\(port)/postgres?sslmode=require&sslrootcert=\(certificates.otherCA)"),
                ("disable, to a server that requires TLS", "postgres://postgres@127.0.0.1:\(port)/postgres?sslmode=disable"),
            ]
            for (label, url) in refused {
                let connected = try? await Self.connect(url)
                #expect(connected == nil, "\(label): connected")
            }
        }
    }

    /// A mode outside the four (including libpq's `prefer` and `allow`, which may connect without TLS,
    /// and misspellings) is refused before anything connects, naming `DATABASE_URL` and `sslmode`;
    /// `verify-ca` and `verify-full` without `sslrootcert` too.
    @Test(arguments: [
        "sslmode=prefer", "sslmode=allow", "sslmode=requre", "sslmode=verify_full", "sslmode=", "sslmode=REQUIRE", "sslmode=verify-full",
        "sslmode=verify-ca", "sslmode=verify-full&sslrootcert=/nonexistent/ca.crt",
    ])
    func unknownOrIncompleteModeStopsTheStart(query: String) {
        do {
            _ = try DatabaseURL(parsing: "postgres://latchkey@db.example:5432/notes?\(query)")
            Issue.record("\(query) was accepted")
        } catch let error as SettingsError {
            #expect(error.name == "DATABASE_URL")
            #expect(error.description.contains("DATABASE_URL") && error.description.contains("ssl"))
        } catch {
            Issue.record("\(query): \(error)")
        }
    }

    /// The four modes parse; without `sslmode`, TLS is off (the documented default).
    @Test func knownModesParse() throws {
        #expect(try DatabaseURL(parsing: "postgres://u@h/db").tlsMode == .disable)
        #expect(try DatabaseURL(parsing: "postgres://u@h/db?sslmode=disable").tlsMode == .disable)
        #expect(try DatabaseURL(parsing: "postgres://u@h/db?sslmode=require").tlsMode == .require)
        #expect(try DatabaseURL(parsing: "postgres://u@h/db?sslmode=verify-ca&sslrootcert=system").tlsMode == .verifyCA)
        #expect(try DatabaseURL(parsing: "postgres://u@h/db?sslmode=verify-full&sslrootcert=system").tlsMode == .verifyFull)
    }

    /// A service started with a mode outside the four exits at once, saying why.
    @Test func serviceRefusesToStartWithPrefer() async throws {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("latchkey-e2e-sslmode-\(UUID().uuidString).log")
        defer { try? FileManager.default.removeItem(at: log) }
        let child = try await ChildProcess.launch(
            executable: try PackageLocation.executable(named: "notes"),
            arguments: [],
            environment: [
                "PATH": "/usr/bin:/bin", "PORT": String(try FreePort.pick()),
                "DATABASE_URL": "postgres://postgres@127.0.0.1:1/notes?sslmode=prefer",
                "INTROSPECTION_CLIENT_ID": "notes", "INTROSPECTION_CLIENT_SECRET": "secret",
            ],
            logFile: log
        )
        let exited = await child.waitForExit(timeout: .seconds(20))
        if !exited { await child.killNow() }
        #expect(exited)
        #expect(child.exitStatus != 0)
        let output = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        #expect(output.contains("DATABASE_URL") && output.contains("sslmode"), "the start failed without naming the setting: \(output)")
    }
}
