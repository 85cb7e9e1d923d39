import Foundation

/// Reads settings from environment variables, naming the variable in every error.
///
/// An empty value counts as unset, so `FOO=` in an env file falls back to the default.
public struct SettingsReader: Sendable {
    private let values: [String: String]

    public init(environment: [String: String]) {
        self.values = environment.filter { !$0.value.isEmpty }
    }

    /// The raw value, if set.
    public func optional(_ name: String) -> String? {
        self.values[name]
    }

    /// The value, or `defaultValue` when unset.
    public func string(_ name: String, default defaultValue: String) -> String {
        self.values[name] ?? defaultValue
    }

    /// The value; throws when unset.
    public func required(_ name: String) throws -> String {
        guard let value = self.values[name] else {
            throw SettingsError(name: name, reason: "is required but not set")
        }
        return value
    }

    /// An integer within `range`, or `defaultValue` when unset.
    public func integer(_ name: String, default defaultValue: Int, in range: ClosedRange<Int>) throws -> Int {
        guard let raw = self.values[name] else { return defaultValue }
        guard let value = Int(raw), range.contains(value) else {
            throw SettingsError(name: name, reason: "must be a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }

    /// `true`/`false` (also `1`/`0`, `yes`/`no`), or `defaultValue` when unset.
    public func boolean(_ name: String, default defaultValue: Bool) throws -> Bool {
        guard let raw = self.values[name] else { return defaultValue }
        switch raw.lowercased() {
        case "true", "1", "yes": return true
        case "false", "0", "no": return false
        default: throw SettingsError(name: name, reason: "must be true or false")
        }
    }

    /// A comma-separated list with blanks removed, or `defaultValue` when unset.
    public func list(_ name: String, default defaultValue: [String]) -> [String] {
        guard let raw = self.values[name] else { return defaultValue }
        return raw.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}
