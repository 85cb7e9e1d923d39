import TokenKit

/// Collects field errors so a request learns about all of them at once.
public struct FieldValidator: Sendable {
    public private(set) var errors: [FieldError] = []

    public init() {}

    /// Records `message` for `field` unless `condition` holds.
    public mutating func require(_ condition: Bool, field: String, _ message: String) {
        if !condition {
            self.errors.append(FieldError(field: field, message: message))
        }
    }

    /// Requires a string's length in characters to be within `range`.
    public mutating func length(of value: String?, field: String, in range: ClosedRange<Int>) {
        guard let value else { return }
        let count = value.count
        if count < range.lowerBound || count > range.upperBound {
            let message =
                range.lowerBound == 0
                ? "must be at most \(range.upperBound) characters"
                : "must be \(range.lowerBound) to \(range.upperBound) characters"
            self.errors.append(FieldError(field: field, message: message))
        }
    }

    /// Refuses text PostgreSQL cannot store (the NUL character), so it is a 400 and not a failed write.
    public mutating func storableText(_ value: String?, field: String) {
        guard let value else { return }
        if value.unicodeScalars.contains("\u{0}") {
            self.errors.append(FieldError(field: field, message: "must not contain NUL characters"))
        }
    }

    /// Throws 400 `validation-failed` listing every recorded error, if there are any.
    public func validate() throws {
        if !self.errors.isEmpty {
            throw Problem.validation(self.errors)
        }
    }
}
