/// The phases that load the stack over HTTP with wrk (reads, writes, the login storm), in the shape the
/// report expects: one record per variant and round, the variants of one comparison alternating within a
/// round (A B A B), each after a one-second warm-up.
struct LoadPhases: Sendable {
    let settings: RunSettings
    let stack: BenchStack
    let wrk: Wrk
    let log: RunLog

    /// Warms every variant up, then runs the rounds, each variant once per round in the order given.
    func alternating(_ bench: String, _ variants: [(name: String, load: WrkLoad)]) async throws {
        for variant in variants {
            await self.wrk.warmUp(variant.load)
        }
        for round in 1...self.settings.rounds {
            for variant in variants {
                try await self.wrk.record(bench, variant.name, round: round, variant.load)
            }
        }
    }
}
