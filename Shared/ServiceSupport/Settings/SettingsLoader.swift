import Foundation

/// Loads a service's settings at start, and on a bad setting prints which one and why, then exits.
public enum SettingsLoader {
    public static func load<Settings>(service: String, _ read: ([String: String]) throws -> Settings) -> Settings {
        do {
            return try read(ProcessInfo.processInfo.environment)
        } catch {
            FileHandle.standardError.write(Data("\(service): cannot start: \(error)\n".utf8))
            exit(78)
        }
    }
}
