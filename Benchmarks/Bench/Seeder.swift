import ArgumentParser
import Foundation
import NIOHTTP1

/// Makes the benchmark's users: for each an account, a session and one note, written to a tokens file
/// with one line per user: `access_token user_id note_id refresh_token email`.
///
/// Accounts and sessions go to `--auth` (a replica with a low `BCRYPT_COST`, so that 1,000 sign-ups take
/// seconds); the optional storm users are signed up on `--storm-auth` (the real cost), for the login storm.
struct Seeder {
    static let password = "bench-password-1234"

    let auth: String
    let notes: String
    let profile: String
    let users: Int
    let out: String
    var stormAuth: String? = nil
    var stormUsers = 0
    var stormOut: String? = nil
    /// Where progress lines go (standard output alone; a log file within `run`).
    var say: @Sendable (String) -> Void = { print($0) }

    func run() async throws {
        try await withBenchHTTP(connections: 16) { http in try await self.seed(http) }
    }

    private func seed(_ http: BenchHTTP) async throws {
        let run = String(UUID().uuidString.prefix(8)).lowercased()
        let started = ContinuousClock.now
        let lines = try await forEachConcurrently(Array(0..<self.users), width: 16) { [auth, notes, profile] index in
            let email = "bench-\(run)-\(index)@bench.example"
            let account = try await http.expect(201, .POST, auth + "/v1/accounts", json: ["email": email, "password": Self.password])
            guard let userID = try account.object()["id"] as? String else { throw BenchError("sign-up answered no id") }
            let session = try await http.expect(201, .POST, auth + "/v1/sessions", json: ["email": email, "password": Self.password])
            let tokens = try session.object()
            guard let access = tokens["access_token"] as? String, let refresh = tokens["refresh_token"] as? String else {
                throw BenchError("login answered no tokens")
            }
            let note = try await http.expect(
                201,
                .POST,
                notes + "/v1/notes",
                json: ["title": "Note \(index)", "body": "A note of benchmark user \(index), read again and again."],
                bearer: access
            )
            guard let noteID = try note.object()["id"] as? String else { throw BenchError("note creation answered no id") }
            _ = try await http.expect(
                200,
                .PUT,
                profile + "/v1/profile",
                json: ["display_name": "User \(index)", "bio": "benchmark"],
                bearer: access
            )
            return "\(access) \(userID) \(noteID) \(refresh) \(email)"
        }
        try (lines.joined(separator: "\n") + "\n").write(toFile: self.out, atomically: true, encoding: .utf8)
        self.say("seeded \(self.users) users in \(ContinuousClock.now - started)")

        if let stormAuth = self.stormAuth, let stormOut = self.stormOut, self.stormUsers > 0 {
            let emails = try await forEachConcurrently(Array(0..<self.stormUsers), width: 4) { index in
                let email = "storm-\(run)-\(index)@bench.example"
                _ = try await http.expect(201, .POST, stormAuth + "/v1/accounts", json: ["email": email, "password": Self.password])
                return email
            }
            try (emails.joined(separator: "\n") + "\n").write(toFile: stormOut, atomically: true, encoding: .utf8)
            self.say("signed up \(self.stormUsers) storm users at the real bcrypt cost")
        }
    }
}

/// One line of the tokens file.
struct SeededUser: Sendable {
    let accessToken: String
    let userID: String
    let noteID: String
    let refreshToken: String
    let email: String

    static func load(_ path: String) throws -> [SeededUser] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map { line in
            let fields = line.split(separator: " ").map(String.init)
            guard fields.count == 5 else { throw BenchError("bad line in \(path)") }
            return SeededUser(accessToken: fields[0], userID: fields[1], noteID: fields[2], refreshToken: fields[3], email: fields[4])
        }
    }
}

/// `latchkey-bench seed`: ``Seeder`` on its own, against a stack someone else started.
struct SeedCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seed",
        abstract: "Make the benchmark's users: accounts, sessions, one note and a profile each."
    )

    @Option(help: "auth's URL (a replica with a low BCRYPT_COST makes this fast).")
    var auth: String

    @Option(help: "notes' URL.")
    var notes: String

    @Option(help: "profile's URL.")
    var profile: String

    @Option(help: "Users to make.")
    var users = 1000

    @Option(help: "The tokens file to write.")
    var out: String

    @Option(help: "auth at the real BCRYPT_COST, for the login storm's users.")
    var stormAuth: String?

    @Option(help: "Storm users to sign up.")
    var stormUsers = 0

    @Option(help: "The storm users' file (one e-mail a line).")
    var stormOut: String?

    func run() async throws {
        try await Seeder(
            auth: self.auth,
            notes: self.notes,
            profile: self.profile,
            users: self.users,
            out: self.out,
            stormAuth: self.stormAuth,
            stormUsers: self.stormUsers,
            stormOut: self.stormOut
        )
        .run()
    }
}
