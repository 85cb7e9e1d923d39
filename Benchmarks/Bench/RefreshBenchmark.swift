import ArgumentParser
import Foundation
import NIOHTTP1

/// Refresh rotations per second: `--concurrency` clients, each rotating its own session's refresh token
/// as fast as `auth` answers (every answer's token is the next request's), for `--seconds` per round.
struct RefreshBenchmark {
    let auth: String
    let tokens: String
    let out: String
    let seconds: Double
    let rounds: Int
    let concurrency: Int
    /// Where each round's line goes (standard output alone; a log file within `run`).
    var say: @Sendable (String) -> Void = { print($0) }

    /// One client's chain of refresh tokens.
    final class Chain: @unchecked Sendable {
        var refreshToken: String
        init(_ token: String) { self.refreshToken = token }
    }

    func run() async throws {
        let users = try SeededUser.load(self.tokens)
        guard users.count >= self.concurrency else { throw BenchError("need \(self.concurrency) sessions, have \(users.count)") }
        // The last sessions of the file: the read benchmarks use every token, but a refresh leaves the
        // session's access tokens valid, so nothing else is disturbed.
        let chains = users.suffix(self.concurrency).map { Chain($0.refreshToken) }
        try await withBenchHTTP(connections: self.concurrency) { http in
            let url = self.auth + "/v1/sessions/refresh"
            for round in 1...self.rounds {
                let deadline = ContinuousClock.now + .milliseconds(Int64(self.seconds * 1000))
                let started = ContinuousClock.now
                let counts = try await forEachConcurrently(chains, width: chains.count) { chain in
                    var rotations = 0
                    var latencies: [Double] = []
                    while ContinuousClock.now < deadline {
                        let sent = ContinuousClock.now
                        let answer = try await http.expect(200, .POST, url, json: ["refresh_token": chain.refreshToken])
                        latencies.append((ContinuousClock.now - sent).milliseconds)
                        guard let next = try answer.object()["refresh_token"] as? String else { throw BenchError("refresh answered no token") }
                        chain.refreshToken = next
                        rotations += 1
                    }
                    return (rotations, latencies)
                }
                let elapsed = (ContinuousClock.now - started).milliseconds / 1000
                let total = counts.map(\.0).reduce(0, +)
                let latencies = counts.flatMap(\.1).sorted()
                let record = Record(
                    bench: "refresh",
                    variant: "rotate",
                    round: round,
                    values: [
                        "rps": Double(total) / elapsed,
                        "p50_ms": percentile(latencies, 50),
                        "p99_ms": percentile(latencies, 99),
                        "requests": Double(total),
                        "errors": 0,
                    ]
                )
                try record.append(to: self.out)
                self.say("refresh round \(round): \(Int(record.values["rps"]!)) rotations/s")
            }
        }
    }
}

/// `latchkey-bench refresh`: ``RefreshBenchmark`` on its own, against a seeded stack.
struct RefreshCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "refresh", abstract: "Refresh rotations per second.")

    @Option(help: "auth's URL.")
    var auth: String

    @Option(help: "The tokens file `seed` wrote.")
    var tokens: String

    @Option(help: "The JSON-lines file the records are appended to.")
    var out: String

    @Option(help: "Seconds per round.")
    var seconds: Double = 3

    @Option(help: "Rounds.")
    var rounds = 3

    @Option(help: "Clients, each rotating its own session's chain.")
    var concurrency = 16

    func run() async throws {
        try await RefreshBenchmark(
            auth: self.auth,
            tokens: self.tokens,
            out: self.out,
            seconds: self.seconds,
            rounds: self.rounds,
            concurrency: self.concurrency
        )
        .run()
    }
}

extension Duration {
    /// The duration in milliseconds.
    var milliseconds: Double {
        let (seconds, attoseconds) = self.components
        return Double(seconds) * 1000 + Double(attoseconds) / 1e15
    }
}
