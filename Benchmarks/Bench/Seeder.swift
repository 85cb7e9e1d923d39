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
    let stormAuth: String?
    let stormUsers: Int
    let stormOut: String?

    init(options: inout Options) throws {
        self.auth = try options.string("auth")
        self.notes = try options.string("notes")
        self.profile = try options.string("profile")
        self.users = try options.int("users", default: 1000)
        self.out = try options.string("out")
        self.stormAuth = try? options.string("storm-auth")
        self.stormUsers = try options.int("storm-users", default: 0)
        self.stormOut = try? options.string("storm-out")
    }

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
        print("seeded \(self.users) users in \(ContinuousClock.now - started)")

        if let stormAuth = self.stormAuth, let stormOut = self.stormOut, self.stormUsers > 0 {
            let emails = try await forEachConcurrently(Array(0..<self.stormUsers), width: 4) { index in
                let email = "storm-\(run)-\(index)@bench.example"
                _ = try await http.expect(201, .POST, stormAuth + "/v1/accounts", json: ["email": email, "password": Self.password])
                return email
            }
            try (emails.joined(separator: "\n") + "\n").write(toFile: stormOut, atomically: true, encoding: .utf8)
            print("signed up \(self.stormUsers) storm users at the real bcrypt cost")
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
