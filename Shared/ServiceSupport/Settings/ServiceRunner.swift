import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import UnixSignals

/// Runs a built service until SIGTERM or SIGINT, and turns a failure into one readable line
/// on standard error and exit status 1 instead of a crash report.
public enum ServiceRunner {
    /// - Parameter tracing: the span exporter (``Observability/bootstrapTracing(service:logger:environment:)``);
    ///   it stops after the application, so the last requests' spans are still sent.
    public static func run(service: String, _ app: some ApplicationProtocol, tracing: (any Service)? = nil, logger: Logger) async {
        do {
            if let tracing {
                let group = ServiceGroup(
                    configuration: .init(
                        services: [.init(service: tracing), .init(service: app)],
                        gracefulShutdownSignals: [.sigterm, .sigint],
                        logger: logger
                    )
                )
                try await group.run()
            } else {
                try await app.runService()
            }
        } catch {
            FileHandle.standardError.write(Data("\(service): stopped: \(error)\n".utf8))
            exit(1)
        }
    }
}
