import Foundation

/// Measures variants of one operation side by side in one process: turns of about 10 ms each, in
/// rotation, so that a noisy neighbour slows every variant alike and their ratios hold on a busy
/// machine. Each variant's operations per second and µs each are one ``Record`` per round.
struct InterleavedVariants {
    /// The records' `bench`.
    let bench: String
    /// What one operation is called in the progress line ("calls", "requests").
    let noun: String
    let out: String
    let seconds: Double
    let say: @Sendable (String) -> Void

    /// One variant's operation, called with 0, 1, 2, …
    struct Variant {
        let name: String
        let operation: (Int) async throws -> Void
    }

    /// Runs the variants in turns of about 10 ms each (A, B, C, A, …) until each has had
    /// `seconds`, and records each one's operations per second and µs each. Interleaving this finely
    /// means a noisy neighbour slows every variant alike, so their ratios hold even on a busy machine.
    func measure(_ variants: [Variant], round: Int) async throws {
        let clock = ContinuousClock()
        var batch: [Int] = []
        for variant in variants {
            // Warm up (caches, branch predictors, first allocations), then size a ~10 ms turn.
            let started = clock.now
            for index in 0..<200 { try await variant.operation(index) }
            let perCall = (clock.now - started).milliseconds / 200
            batch.append(max(1, Int(10 / max(perCall, 1e-6))))
        }
        var counts = [Int](repeating: 0, count: variants.count)
        var elapsed = [Duration](repeating: .zero, count: variants.count)
        let budget = Duration.milliseconds(Int64(self.seconds * 1000))
        while elapsed.contains(where: { $0 < budget }) {
            for (slot, variant) in variants.enumerated() where elapsed[slot] < budget {
                let started = clock.now
                for _ in 0..<batch[slot] {
                    try await variant.operation(counts[slot])
                    counts[slot] += 1
                }
                elapsed[slot] += clock.now - started
            }
        }
        for (slot, variant) in variants.enumerated() {
            let seconds = elapsed[slot].milliseconds / 1000
            let count = counts[slot]
            let record = Record(
                bench: self.bench,
                variant: variant.name,
                round: round,
                values: ["ops_per_s": Double(count) / seconds, "us_per_op": seconds * 1e6 / Double(count), "ops": Double(count)]
            )
            try record.append(to: self.out)
            self.say(
                "\(self.bench) \(variant.name) round \(round): \(Int(Double(count) / seconds))/s, \(String(format: "%.2f", seconds * 1e6 / Double(count))) µs, \(count) \(self.noun)"
            )
        }
    }
}
