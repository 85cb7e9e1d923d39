import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Synchronization
import TokenKit

/// A stand-in `auth` that fails as a bad network does: for introspection and the JWKS it sends the
/// response head and the first bytes of the body, then stalls (or stalls before the head), until
/// ``release()`` or 30 s. Served over real HTTP with `app.test(.live)`.
final class StallingPeer: Sendable {
    /// How the peer answers.
    enum Mode: Sendable {
        /// A complete answer (JWKS: ``keys``; introspection: active for any token).
        case answer
        /// The head and a few body bytes, then nothing.
        case stallMidBody
        /// Nothing at all after the request.
        case stallBeforeHead
    }

    private struct State {
        var mode: Mode
        var released = false
        var requests = 0
    }

    private let state: Mutex<State>
    private let keys: [VerificationKey]

    init(mode: Mode, keys: [VerificationKey] = []) {
        self.state = Mutex(State(mode: mode))
        self.keys = keys
    }

    /// How many requests reached the peer.
    var requestCount: Int { self.state.withLock { $0.requests } }

    /// Changes how later requests are answered.
    func setMode(_ mode: Mode) {
        self.state.withLock { $0.mode = mode }
    }

    /// Ends every stall (the stalled responses then end without completing their body).
    func release() {
        self.state.withLock { $0.released = true }
    }

    func application() -> some ApplicationProtocol {
        let router = Router()
        router.post("/internal/v1/introspect") { _, _ -> Response in
            try await self.answer(
                complete: #"{"active":false}"#,
                contentType: "application/json"
            )
        }
        router.get("/.well-known/jwks.json") { _, _ -> Response in
            let body = String(decoding: try JSONEncoder().encode(JSONWebKeySet(verificationKeys: self.keys)), as: UTF8.self)
            return try await self.answer(complete: body, contentType: "application/json")
        }
        var logger = Logger(label: "StallingPeer")
        logger.logLevel = .critical
        return Application(router: router, logger: logger)
    }

    private func answer(complete body: String, contentType: String) async throws -> Response {
        let mode = self.state.withLock { state in
            state.requests += 1
            return state.mode
        }
        switch mode {
        case .answer:
            return Response(
                status: .ok,
                headers: [.contentType: contentType, .cacheControl: "max-age=60"],
                body: .init(byteBuffer: ByteBuffer(string: body))
            )
        case .stallBeforeHead:
            try await self.stall()
            return Response(status: .serviceUnavailable)
        case .stallMidBody:
            return Response(
                status: .ok,
                headers: [.contentType: contentType, .contentLength: String(body.utf8.count)],
                body: ResponseBody { writer in
                    try await writer.write(ByteBuffer(string: String(body.prefix(5))))
                    try await self.stall()
                    try await writer.finish(nil)
                }
            )
        }
    }

    private func stall() async throws {
        let deadline = ContinuousClock.now + .seconds(30)
        while !self.state.withLock({ $0.released }), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
    }
}
