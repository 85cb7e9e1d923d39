import Foundation

/// Reads samples from the Prometheus text format that `/metrics` renders.
enum PrometheusText {
    /// One sample: metric name, labels and value.
    struct Sample: Sendable, Equatable {
        let name: String
        let labels: [String: String]
        let value: Double
    }

    /// Every sample in `text` (comments and blank lines skipped).
    static func samples(in text: String) -> [Sample] {
        text.split(separator: "\n").compactMap { self.parse(Substring($0)) }
    }

    /// The sum of every sample named `name` whose labels include `labels`.
    static func sum(_ name: String, labels: [String: String] = [:], in text: String) -> Double {
        self.samples(in: text)
            .filter { sample in sample.name == name && labels.allSatisfy { key, value in sample.labels[key] == value } }
            .reduce(0) { $0 + $1.value }
    }

    /// Parses `name{label="value",…} 12` or `name 12`; label values may contain `{`, `}` and `,`.
    static func parse(_ line: Substring) -> Sample? {
        let line = line.trimmingPrefix(while: \.isWhitespace)
        guard let first = line.first, first != "#" else { return nil }
        var index = line.startIndex
        while index < line.endIndex, line[index] != "{", line[index] != " " { index = line.index(after: index) }
        let name = String(line[line.startIndex..<index])
        var labels: [String: String] = [:]
        if index < line.endIndex, line[index] == "{" {
            index = line.index(after: index)
            while index < line.endIndex, line[index] != "}" {
                guard let equals = line[index...].firstIndex(of: "=") else { return nil }
                let key = line[index..<equals].trimmingCharacters(in: [",", " "])
                index = line.index(after: equals)
                guard index < line.endIndex, line[index] == "\"" else { return nil }
                index = line.index(after: index)
                var value = ""
                while index < line.endIndex, line[index] != "\"" {
                    if line[index] == "\\" { index = line.index(after: index) }
                    guard index < line.endIndex else { return nil }
                    value.append(line[index])
                    index = line.index(after: index)
                }
                guard index < line.endIndex else { return nil }
                index = line.index(after: index)
                labels[key] = value
                while index < line.endIndex, line[index] == "," || line[index] == " " { index = line.index(after: index) }
            }
            guard index < line.endIndex else { return nil }
            index = line.index(after: index)
        }
        let rest = line[index...].split(separator: " ")
        guard let raw = rest.first, let value = Double(raw) else { return nil }
        return Sample(name: name, labels: labels, value: value)
    }
}
