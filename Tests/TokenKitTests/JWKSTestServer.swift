import Foundation
import Hummingbird
import Logging
import Synchronization
import TokenKit

/// An in-process stand-in for auth's `GET /.well-known/jwks.json`, served over real HTTP with
/// `app.test(.live)`: a mutable key list, a server-side request counter, a failure switch and a delay.
final class JWKSTestServer: Sendable {
    /// What the server publishes and how it behaves.
    struct State {
        var keys: [VerificationKey]
        var failing = false
        var delay: Duration = .zero
        var maxAgeSeconds = 60
        var requests = 0
    }

    private let state: Mutex<State>

    init(keys: [VerificationKey]) {
        self.state = Mutex(State(keys: keys))
    }

    /// How many JWKS requests reached the server.
    var requestCount: Int { self.state.withLock { $0.requests } }

    /// Changes what the server publishes or how it behaves from now on.
    func update(_ change: (inout State) -> Void) {
        self.state.withLock { change(&$0) }
    }

    /// The application serving the key set; its logger stays quiet below warnings.
    func application() -> some ApplicationProtocol {
        let router = Router()
        router.get("/.well-known/jwks.json") { _, _ -> Response in
            let state = self.state.withLock { state in
                state.requests += 1
                return state
            }
            if state.delay > .zero { try await Task.sleep(for: state.delay) }
            if state.failing { return Response(status: .internalServerError) }
            let body = try JSONEncoder().encode(JSONWebKeySet(verificationKeys: state.keys))
            return Response(
                status: .ok,
                headers: [.contentType: "application/json", .cacheControl: "public, max-age=\(state.maxAgeSeconds)"],
                body: .init(byteBuffer: ByteBuffer(bytes: body))
            )
        }
        var logger = Logger(label: "JWKSTestServer")
        logger.logLevel = .warning
        return Application(router: router, logger: logger)
    }
}
