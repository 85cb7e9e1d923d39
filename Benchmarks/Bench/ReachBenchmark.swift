import ArgumentParser
import Foundation
import NIOHTTP1

/// Revocation reach: how long after a session is revoked the first safe read with its token is refused.
///
/// Per sample: log one seeded user in again (a fresh session, on `--login-auth`), read that user's note
/// from `notes` in a tight loop on one keep-alive connection until reads succeed, then revoke the session
/// (`DELETE /v1/sessions/current` on `--auth`) and time from sending the revocation to the first read
/// answered 401. Nothing but the revocation feed tells `notes`: reads never call `auth`.
struct ReachBenchmark {
    /// Revocations timed when nothing says otherwise (`make bench` times 40).
    static let defaultSamples = 40

    let auth: String
    let loginAuth: String
    let notes: String
    let tokens: String
    let out: String
    let samples: Int
    /// Where the result line goes (standard output alone; a log file within `run`).
    var say: @Sendable (String) -> Void = { print($0) }

    func run() async throws {
        let users = try SeededUser.load(self.tokens)
        guard users.count >= self.samples else { throw BenchError("need \(self.samples) users") }
        var reach: [Double] = []
        var afterAnswer: [Double] = []
        try await withBenchHTTP(connections: 4) { http in
            for user in users.prefix(self.samples) {
                let session = try await http.expect(
                    201,
                    .POST,
                    self.loginAuth + "/v1/sessions",
                    json: ["email": user.email, "password": Seeder.password]
                )
                guard let token = try session.object()["access_token"] as? String else { throw BenchError("login answered no token") }
                let readURL = self.notes + "/v1/notes/" + user.noteID
                _ = try await http.expect(200, .GET, readURL, bearer: token)
                let (sent, answered, refused) = try await withThrowingTaskGroup(of: Sample.self) { group in
                    group.addTask {
                        let deadline = ContinuousClock.now + .seconds(10)
                        var reads = 0
                        while ContinuousClock.now < deadline {
                            let answer = try await http.send(.GET, readURL, bearer: token)
                            if answer.status == 401 { return .refused(ContinuousClock.now) }
                            guard answer.status == 200 else { throw BenchError("read answered \(answer.status)") }
                            reads += 1
                        }
                        throw BenchError("no read was refused within 10 s of the revocation")
                    }
                    // Let the reader get going, then revoke.
                    try await Task.sleep(for: .milliseconds(20))
                    let sent = ContinuousClock.now
                    _ = try await http.expect(204, .DELETE, self.auth + "/v1/sessions/current", bearer: token)
                    let answered = ContinuousClock.now
                    guard case .refused(let at) = try await group.next()! else { throw BenchError("unexpected") }
                    return (sent, answered, at)
                }
                reach.append((refused - sent).milliseconds)
                afterAnswer.append(max(0, (refused - answered).milliseconds))
            }
        }
        let sorted = reach.sorted()
        let sortedAfter = afterAnswer.sorted()
        let record = Record(
            bench: "reach",
            variant: "feed",
            round: 1,
            values: [
                "p50_ms": percentile(sorted, 50),
                "p99_ms": percentile(sorted, 99),
                "max_ms": sorted.last ?? .nan,
                "after_answer_p50_ms": percentile(sortedAfter, 50),
                "after_answer_p99_ms": percentile(sortedAfter, 99),
                "samples": Double(sorted.count),
            ]
        )
        try record.append(to: self.out)
        self.say("revocation reach: p50 \(record.values["p50_ms"]!) ms, p99 \(record.values["p99_ms"]!) ms over \(sorted.count) samples")
    }

    enum Sample: Sendable {
        case refused(ContinuousClock.Instant)
    }
}

/// `latchkey-bench reach`: ``ReachBenchmark`` on its own, against a seeded stack.
struct ReachCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reach",
        abstract: "Revocation reach: from a session's revocation to the first refused read."
    )

    @Option(help: "auth's URL (the revocation goes here).")
    var auth: String

    @Option(help: "auth's URL for the fresh logins (the seeding replica).")
    var loginAuth: String

    @Option(help: "notes' URL (the reads go here).")
    var notes: String

    @Option(help: "The tokens file `seed` wrote.")
    var tokens: String

    @Option(help: "The JSON-lines file the record is appended to.")
    var out: String

    @Option(help: "Revocations to time.")
    var samples = ReachBenchmark.defaultSamples

    func run() async throws {
        try await ReachBenchmark(
            auth: self.auth,
            loginAuth: self.loginAuth,
            notes: self.notes,
            tokens: self.tokens,
            out: self.out,
            samples: self.samples
        )
        .run()
    }
}
