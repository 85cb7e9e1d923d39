import ArgumentParser

/// `latchkey-bench`: the benchmarks of `make bench`. `run` is the whole run on a stack it starts (what
/// `Scripts/bench.sh` calls once the release build and PostgreSQL are ready); the other commands are its parts,
/// each usable on its own: the in-process verification benchmark, and what needs a Swift HTTP client (seeding,
/// refresh rotations, revocation reach, the introspection probe) or Swift at all (the report).
struct LatchkeyBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "latchkey-bench",
        abstract: "The benchmarks of `make bench` (bench/README.md).",
        subcommands: [
            RunCommand.self, VerifyCommand.self, TracingCommand.self, SeedCommand.self, RefreshCommand.self, ReachCommand.self, ReportCommand.self,
            ProbeCommand.self,
        ]
    )
}

/// A failure with a message for the person running the benchmark.
struct BenchError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
