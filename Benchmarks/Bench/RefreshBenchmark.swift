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

    init(options: inout Options) throws {
        self.auth = try options.string("auth")
        self.tokens = try options.string("tokens")
        self.out = try options.string("out")
        self.seconds = try options.double("seconds", default: 3)
        self.rounds = try options.int("rounds", default: 3)
        self.concurrency = try options.int("concurrency", default: 16)
    }

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
                print("refresh round \(round): \(Int(record.values["rps"]!)) rotations/s")
            }
        }
    }
}

extension Duration {
    /// The duration in milliseconds.
    var milliseconds: Double {
        let (seconds, attoseconds) = self.components
        return Double(seconds) * 1000 + Double(attoseconds) / 1e15
    }
}
