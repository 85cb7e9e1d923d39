import Metrics

/// The counters of one event by outcome (`latchkey_logins_total{outcome=…}`), each made once.
///
/// A `Counter(label:dimensions:)` looks itself up in the metrics backend's registry, under a lock, every
/// time it is made; these are made on first use (after the executable has bootstrapped its backend) and
/// kept, as TokenKit's own metrics are.
public struct OutcomeCounters: Sendable {
    private let counters: [String: Counter]

    /// - Parameters:
    ///   - label: the metric's name.
    ///   - dimension: the name of the outcome dimension.
    ///   - outcomes: every outcome the event can have.
    public init(label: String, dimension: String = "outcome", outcomes: [String]) {
        self.counters = Dictionary(uniqueKeysWithValues: outcomes.map { ($0, Counter(label: label, dimensions: [(dimension, $0)])) })
    }

    /// Counts one event with `outcome`, which must be one of those named at creation.
    public func increment(_ outcome: String) {
        guard let counter = self.counters[outcome] else {
            preconditionFailure("unknown outcome \(outcome)")
        }
        counter.increment()
    }
}
