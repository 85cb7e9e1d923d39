import BookmarksService
import Foundation
import Hummingbird
import Logging

/// The `bookmarks` executable: reads its settings from the environment, logs to standard error, and
/// runs until SIGTERM or SIGINT.
func loadSettings() -> Settings {
    do {
        return try Settings(environment: ProcessInfo.processInfo.environment)
    } catch {
        FileHandle.standardError.write(Data("bookmarks: cannot start: \(error)\n".utf8))
        exit(1)
    }
}

let settings = loadSettings()
let logLevel = settings.logLevel
LoggingSystem.bootstrap { label in
    var handler = StreamLogHandler.standardError(label: label)
    handler.logLevel = logLevel
    return handler
}
let app = buildApplication(settings: settings, logger: Logger(label: "bookmarks"))
try await app.runService()
