import Foundation
import Logging
import NIOConcurrencyHelpers

/// A swift-log handler that writes one JSON object a line to standard output:
/// `{"ts", "level", "logger", "message", …metadata}`.
public struct JSONLogHandler: LogHandler {
    private static let lock = NIOLock()
    private let label: String
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info

    public init(label: String) {
        self.label = label
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { self.metadata[key] }
        set { self.metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let explicitMetadata = event.metadata
        let level = event.level
        let message = event.message
        var fields: [String: String] = [:]
        for (key, value) in self.metadata.merging(explicitMetadata ?? [:], uniquingKeysWith: { $1 }) {
            fields[key] = value.description
        }
        fields["ts"] = Date().formatted(.iso8601)
        fields["level"] = level.rawValue
        fields["logger"] = self.label
        fields["message"] = message.description
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard var line = try? encoder.encode(fields) else { return }
        line.append(UInt8(ascii: "\n"))
        Self.lock.withLock {
            FileHandle.standardOutput.write(line)
        }
    }
}
