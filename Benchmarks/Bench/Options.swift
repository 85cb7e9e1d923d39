import Foundation

/// `--name value` pairs of the command line.
struct Options {
    private var values: [String: String] = [:]

    init(_ arguments: [String]) {
        var index = 0
        while index < arguments.count {
            let name = arguments[index]
            if name.hasPrefix("--"), index + 1 < arguments.count {
                self.values[String(name.dropFirst(2))] = arguments[index + 1]
                index += 2
            } else {
                index += 1
            }
        }
    }

    func string(_ name: String) throws -> String {
        guard let value = self.values[name] else { throw BenchError("missing --\(name)") }
        return value
    }

    func string(_ name: String, default value: String) -> String {
        self.values[name] ?? value
    }

    func int(_ name: String, default value: Int) throws -> Int {
        guard let raw = self.values[name] else { return value }
        guard let number = Int(raw) else { throw BenchError("--\(name) must be a whole number") }
        return number
    }

    func double(_ name: String, default value: Double) throws -> Double {
        guard let raw = self.values[name] else { return value }
        guard let number = Double(raw) else { throw BenchError("--\(name) must be a number") }
        return number
    }
}

/// A failure with a message for the person running the benchmark.
struct BenchError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
