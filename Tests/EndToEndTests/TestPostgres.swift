import Foundation

/// The test PostgreSQL server of `Scripts/with-test-postgres.sh`, where each stack creates its databases.
struct TestPostgres: Sendable {
    /// `postgres://postgres@127.0.0.1:PORT`, without a database.
    let serverURL: String

    private static let psql = URL(fileURLWithPath: "/usr/bin/psql")

    /// The server named by `LATCHKEY_TEST_POSTGRES`; throws a message explaining how to run the tests without it.
    static func fromEnvironment() throws -> TestPostgres {
        guard let url = ProcessInfo.processInfo.environment["LATCHKEY_TEST_POSTGRES"], !url.isEmpty else {
            throw HarnessError(
                "LATCHKEY_TEST_POSTGRES is not set. Run the end-to-end tests through the wrapper: "
                    + "Scripts/with-test-postgres.sh swift test --skip-build --filter EndToEndTests"
            )
        }
        return TestPostgres(serverURL: url.hasSuffix("/") ? String(url.dropLast()) : url)
    }

    /// The URL a service uses for `database`.
    func url(of database: String) -> String {
        "\(self.serverURL)/\(database)"
    }

    /// Creates the databases (names must be plain identifiers).
    func createDatabases(_ names: [String]) async throws {
        try await self.run(names.map { "CREATE DATABASE \($0)" })
    }

    /// Drops the databases, disconnecting anyone still using them.
    func dropDatabases(_ names: [String]) async throws {
        try await self.run(names.map { "DROP DATABASE IF EXISTS \($0) WITH (FORCE)" })
    }

    /// Runs one SQL query on `database` and returns its rows, each as its columns' text (NULL as `∅`).
    func query(_ sql: String, database: String) async throws -> [[String]] {
        let text = try await self.psql([
            "--tuples-only", "--no-align", "--field-separator=\u{1F}", "--pset=null=∅", self.url(of: database), "-c", sql,
        ])
        return text.split(separator: "\n", omittingEmptySubsequences: true).map { line in
            line.split(separator: "\u{1F}", omittingEmptySubsequences: false).map(String.init)
        }
    }

    private func run(_ statements: [String]) async throws {
        var arguments = ["\(self.serverURL)/postgres"]
        for statement in statements {
            arguments += ["-c", statement]
        }
        _ = try await self.psql(arguments)
    }

    /// Runs psql with `arguments` (after the options every call shares) and returns its output.
    private func psql(_ arguments: [String]) async throws -> String {
        guard FileManager.default.isExecutableFile(atPath: Self.psql.path) else {
            throw HarnessError("\(Self.psql.path) is missing; install the PostgreSQL client (apt-get install postgresql-client)")
        }
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("latchkey-e2e-psql-\(UUID().uuidString).log")
        defer { try? FileManager.default.removeItem(at: output) }
        let child = try await ChildProcess.launch(
            executable: Self.psql,
            arguments: ["--no-psqlrc", "--quiet", "--set", "ON_ERROR_STOP=1"] + arguments,
            environment: ["PATH": "/usr/bin:/bin"],
            logFile: output
        )
        guard await child.waitForExit(timeout: .seconds(30)) else {
            await child.stop()
            throw HarnessError("psql did not finish within 30 s: \(arguments)")
        }
        let text = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
        guard child.exitStatus == 0 else {
            throw HarnessError("psql failed (\(child.exitStatus ?? -1)) for \(arguments): \(text)")
        }
        return text
    }
}
