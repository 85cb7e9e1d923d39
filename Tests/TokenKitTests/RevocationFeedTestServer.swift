import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Synchronization

/// An in-process stand-in for auth's `GET /internal/v1/revocations`, over real HTTP with `app.test(.live)`.
///
/// Each connection is sent the frames scripted for it (by connection number), then either stays open
/// with heartbeats, stays open silent, or is closed. The server records each connection's `after`
/// and `Authorization` so tests can check how the client reconnects.
final class RevocationFeedTestServer: Sendable {
    /// What happens after a connection's scripted frames.
    enum Ending: Sendable {
        case heartbeats
        case silence
        case close
        /// Half of a `revoked` frame, then silence: a peer stalled mid-event.
        case stallMidFrame
    }

    /// One connection's script.
    struct Script: Sendable {
        var frames: [String]
        var ending: Ending
    }

    private let scripts: [Script]
    private let scriptsByAfter: [String: Script]
    private let requests = Mutex<[(after: String?, authorization: String?)]>([])

    /// - Parameters:
    ///   - scripts: the script of each connection, by connection number.
    ///   - scriptsByAfter: scripts chosen by the connection's `after` instead (taking precedence), for tests
    ///     whose connections may be replaced more often than they count on.
    init(scripts: [Script], scriptsByAfter: [String: Script] = [:]) {
        self.scriptsByAfter = scriptsByAfter
        self.scripts = scripts
    }

    /// The `after` query values of the connections so far, in order.
    var afterValues: [String?] { self.requests.withLock { $0.map(\.after) } }

    /// The `Authorization` headers of the connections so far.
    var authorizations: [String?] { self.requests.withLock { $0.map(\.authorization) } }

    /// A `revoked` frame as auth writes it.
    static func revoked(seq: Int64, sid: UUID, revokedAt: Date = Date()) -> String {
        let revokedAt = revokedAt.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
        let data =
            "{\"seq\":\(seq),\"sid\":\"\(sid.uuidString.lowercased())\",\"sub\":\"\(UUID().uuidString.lowercased())\","
            + "\"revoked_at\":\"\(revokedAt)\",\"reason\":\"logout\"}"
        return "event: revoked\nid: \(seq)\ndata: \(data)\n\n"
    }

    /// An `epoch` frame as auth sends it first on every stream.
    static func epoch(_ epoch: String, head: Int64) -> String {
        "event: epoch\ndata: {\"epoch\":\"\(epoch)\",\"head\":\(head)}\n\n"
    }

    /// The heartbeat frame.
    static let heartbeat = "event: heartbeat\ndata: {}\n\n"

    func application() -> some ApplicationProtocol {
        let router = Router()
        router.get("/internal/v1/revocations") { request, _ -> Response in
            let index = self.requests.withLock { requests in
                requests.append((request.uri.queryParameters.get("after"), request.headers[.authorization]))
                return requests.count - 1
            }
            let byAfter = request.uri.queryParameters.get("after").flatMap { self.scriptsByAfter[String($0)] }
            let script =
                byAfter ?? (index < self.scripts.count ? self.scripts[index] : Script(frames: [Self.heartbeat], ending: .heartbeats))
            return Response(
                status: .ok,
                headers: [.contentType: "text/event-stream"],
                body: ResponseBody { writer in
                    for frame in script.frames {
                        try await writer.write(ByteBuffer(string: frame))
                    }
                    switch script.ending {
                    case .close:
                        break
                    case .heartbeats:
                        for _ in 0..<100 {
                            try await Task.sleep(for: .milliseconds(100))
                            try await writer.write(ByteBuffer(string: Self.heartbeat))
                        }
                    case .silence:
                        try await Task.sleep(for: .seconds(3))
                    case .stallMidFrame:
                        try await writer.write(ByteBuffer(string: "event: revoked\nid: 99\nda"))
                        try await Task.sleep(for: .seconds(3))
                    }
                    try await writer.finish(nil)
                }
            )
        }
        var logger = Logger(label: "RevocationFeedTestServer")
        logger.logLevel = .critical
        return Application(router: router, logger: logger)
    }
}
