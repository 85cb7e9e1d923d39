import Foundation

/// One measurement: a round of one variant of one benchmark. wrk (through `Benchmarks/wrk/rotate.lua`) and
/// this tool append them to one JSON-lines file; the report reads it back.
struct Record: Codable, Sendable {
    var bench: String
    var variant: String
    var round: Int
    var values: [String: Double]

    /// Appends the record as one JSON line to `path`.
    func append(to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var line = try encoder.encode(self)
        line.append(UInt8(ascii: "\n"))
        if !FileManager.default.fileExists(atPath: path) {
            _ = FileManager.default.createFile(atPath: path, contents: nil)
        }
        guard let handle = FileHandle(forWritingAtPath: path) else { throw BenchError("cannot write \(path)") }
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: line)
    }

    /// Every record in a JSON-lines file; lines that are not records are skipped.
    static func load(from path: String) throws -> [Record] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let decoder = JSONDecoder()
        return text.split(separator: "\n").compactMap { line in
            try? decoder.decode(Record.self, from: Data(line.utf8))
        }
    }
}

/// Percentiles of a sample, in its own unit.
func percentile(_ sorted: [Double], _ p: Double) -> Double {
    guard !sorted.isEmpty else { return .nan }
    let rank = p / 100 * Double(sorted.count - 1)
    let lower = Int(rank.rounded(.down))
    let upper = min(lower + 1, sorted.count - 1)
    let weight = rank - Double(lower)
    return sorted[lower] * (1 - weight) + sorted[upper] * weight
}
