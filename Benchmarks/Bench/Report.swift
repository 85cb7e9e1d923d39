import ArgumentParser
import Foundation

/// Turns the raw records of one `make bench` run into `latest.md` (tables a person reads, every figure
/// with its target) and `latest.json` (the same figures for tools).
///
/// Each figure is the median over the rounds, with the spread (min–max) beside it. Ratios and overheads
/// between two variants are computed per round (the variants ran back to back, A B A B) and the median
/// of those paired values is reported, so a noisy neighbour that slowed one round slows both sides.
struct Report {
    let raw: String
    let meta: String
    let markdown: String
    let json: String

    func run() throws {
        let records = try Record.load(from: self.raw)
        let meta = (try? JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: self.meta)))) as? [String: Any] ?? [:]
        let results = Results(records)
        var builder = ReportBuilder(results: results, meta: meta)
        builder.build()
        try builder.markdown.write(toFile: self.markdown, atomically: true, encoding: .utf8)
        let data = try JSONSerialization.data(withJSONObject: builder.jsonObject, options: [.prettyPrinted, .sortedKeys])
        try data.write(to: URL(fileURLWithPath: self.json))
        let met = builder.targets.filter { $0.met == true }.count
        print("report: \(met) of \(builder.targets.count) targets met; wrote \(self.markdown) and \(self.json)")
    }
}

/// `latchkey-bench report`: ``Report`` on its own, e.g. to lay out the raw records of a kept work folder again.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "report", abstract: "Write latest.md and latest.json from raw records.")

    @Option(help: "The raw records (raw.jsonl of a run).")
    var raw: String

    @Option(help: "The run's meta.json.")
    var meta: String

    @Option(help: "The Markdown report to write.")
    var markdown: String

    @Option(help: "The JSON report to write.")
    var json: String

    func run() throws {
        try Report(raw: self.raw, meta: self.meta, markdown: self.markdown, json: self.json).run()
    }
}

/// The records, by benchmark, variant and round.
struct Results {
    private var byKey: [String: [Int: [String: Double]]] = [:]

    init(_ records: [Record]) {
        for record in records {
            self.byKey["\(record.bench)/\(record.variant)", default: [:]][record.round] = record.values
        }
    }

    /// The values of `metric` over the rounds, in round order.
    func values(_ bench: String, _ variant: String, _ metric: String) -> [Double] {
        guard let rounds = self.byKey["\(bench)/\(variant)"] else { return [] }
        return rounds.keys.sorted().compactMap { rounds[$0]?[metric] }
    }

    /// The rounds `bench/variant` has, in order.
    func rounds(_ bench: String, _ variant: String) -> [Int] {
        self.byKey["\(bench)/\(variant)"]?.keys.sorted() ?? []
    }

    /// A per-round combination of two variants' values (rounds both have), e.g. a ratio.
    func paired(
        _ bench: String,
        _ a: String,
        _ b: String,
        _ metric: String,
        metricB: String? = nil,
        benchB: String? = nil,
        _ combine: (Double, Double) -> Double
    ) -> [Double] {
        let left = self.byKey["\(bench)/\(a)"] ?? [:]
        let right = self.byKey["\(benchB ?? bench)/\(b)"] ?? [:]
        return left.keys.sorted().compactMap { round in
            guard let x = left[round]?[metric], let y = right[round]?[metricB ?? metric] else { return nil }
            return combine(x, y)
        }
    }
}

/// Median and spread of some values.
struct Summary {
    let median: Double
    let min: Double
    let max: Double
    let values: [Double]

    init?(_ values: [Double]) {
        let finite = values.filter(\.isFinite)
        guard !finite.isEmpty else { return nil }
        let sorted = finite.sorted()
        self.median = percentile(sorted, 50)
        self.min = sorted.first!
        self.max = sorted.last!
        self.values = values
    }

    var json: [String: Any] {
        ["median": self.median, "min": self.min, "max": self.max, "rounds": self.values]
    }
}

/// One target: what is required, what was measured, whether it holds.
struct Target {
    enum Comparison: String {
        case atLeast = "≥"
        case atMost = "≤"
    }

    let id: String
    let description: String
    let measured: Summary?
    let comparison: Comparison
    let required: Double
    let unit: String

    var met: Bool? {
        guard let measured else { return nil }
        switch self.comparison {
        case .atLeast: return measured.median >= self.required
        case .atMost: return measured.median <= self.required
        }
    }
}
