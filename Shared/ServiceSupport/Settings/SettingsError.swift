/// A setting that stops the start: missing or invalid, always named in the message.
public struct SettingsError: Error, CustomStringConvertible, Sendable {
    /// The environment variable at fault.
    public let name: String
    /// What is wrong with it.
    public let reason: String

    public init(name: String, reason: String) {
        self.name = name
        self.reason = reason
    }

    public var description: String { "\(self.name): \(self.reason)" }
}
