import Foundation
import Hummingbird

/// Runs a built service until SIGTERM or SIGINT, and turns a failure into one readable line
/// on standard error and exit status 1 instead of a crash report.
public enum ServiceRunner {
    public static func run(service: String, _ app: some ApplicationProtocol) async {
        do {
            try await app.runService()
        } catch {
            FileHandle.standardError.write(Data("\(service): stopped: \(error)\n".utf8))
            exit(1)
        }
    }
}
