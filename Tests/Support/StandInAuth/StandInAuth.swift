import Crypto
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Synchronization
import Testing
import TokenKit

/// An in-process stand-in for the three endpoints of `auth` a resource service calls, served over real
/// HTTP on a free port of 127.0.0.1, in auth's wire format (docs/API.md):
///
/// - `GET /.well-known/jwks.json`: the public key of ``forge``;
/// - `POST /internal/v1/introspect` (Basic ``clientID``:``clientSecret``): active for a token signed by
///   ``forge`` whose session was not ended here, with its `sub` and `sid`; inactive for anything else;
/// - `GET /internal/v1/revocations?after=N` (the same credentials): an `epoch` event, every session
///   ended after `N`, then a heartbeat every half second and each session ended meanwhile, until the
///   subscriber leaves or the stand-in stops.
///
/// A service built with `AUTH_URL` pointing here opens its start gate (keys loaded, feed replayed)
/// within a second, and confirms writes the way it does against the real `auth`.
package final class StandInAuth: Sendable {
    private struct Revocation {
        let seq: Int
        let session: UUID
        let user: UUID
    }

    private struct State {
        var revocations: [Revocation] = []
        var stopped = false
    }

    /// The key that signs the tokens services accept.
    package let forge: TokenForge
    /// The Basic credentials services present (`INTROSPECTION_CLIENT_ID` and `_SECRET`).
    package let clientID = "stand-in-client"
    package let clientSecret = "stand-in-secret"
    private let epoch = UUID().uuidString.lowercased()
    private let state = Mutex(State())

    package init(forge: TokenForge = TokenForge()) {
        self.forge = forge
    }

    /// An access token for `user` in `session`, valid from now for five minutes, signed with ``forge``.
    package func accessToken(user: UUID, session: UUID = UUID(), audience: JSONValue = ["notes", "profile"]) -> String {
        self.forge.token(
            payload: TokenForge.claims(
                subject: user.uuidString.lowercased(),
                session: session.uuidString.lowercased(),
                audience: audience,
                issuedAt: TokenForge.currentTime
            )
        )
    }

    /// Ends `session` of `user`: introspection answers inactive for it, and the feed reports it.
    package func endSession(_ session: UUID, of user: UUID) {
        self.state.withLock { state in
            state.revocations.append(Revocation(seq: state.revocations.count + 1, session: session, user: user))
        }
    }

    /// Serves the stand-in while `body` runs with its base URL (`http://127.0.0.1:PORT`).
    package func run<Value: Sendable>(_ body: @Sendable (String) async throws -> Value) async throws -> Value {
        try await self.application().test(.live) { client in
            defer { self.state.withLock { $0.stopped = true } }
            let port = try #require(client.port)
            return try await body("http://127.0.0.1:\(port)")
        }
    }

    private func application() -> some ApplicationProtocol {
        let router = Router()
        router.get("/.well-known/jwks.json") { _, _ -> Response in
            let body = try JSONEncoder().encode(JSONWebKeySet(verificationKeys: [self.forge.verificationKey]))
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: body)))
        }
        router.post("/internal/v1/introspect") { request, _ -> Response in
            guard self.isClient(request) else { return Response(status: .unauthorized) }
            let form = String(buffer: try await request.body.collect(upTo: 64 * 1024))
            let token = form.hasPrefix("token=") ? String(form.dropFirst("token=".count)) : ""
            return Response(
                status: .ok,
                headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(string: self.introspection(of: token)))
            )
        }
        router.get("/internal/v1/revocations") { request, _ -> Response in
            guard self.isClient(request) else { return Response(status: .unauthorized) }
            let after = request.uri.queryParameters.get("after").flatMap { Int($0) } ?? 0
            return Response(
                status: .ok,
                headers: [.contentType: "text/event-stream", .cacheControl: "no-store"],
                body: ResponseBody { writer in
                    try await self.stream(after: after, to: &writer)
                    try await writer.finish(nil)
                }
            )
        }
        var logger = Logger(label: "StandInAuth")
        logger.logLevel = .critical
        return Application(router: router, logger: logger)
    }

    /// The feed: the epoch, the backlog after `after`, then heartbeats and new revocations (at most ten minutes).
    private func stream(after: Int, to writer: inout any ResponseBodyWriter) async throws {
        let head = self.state.withLock { $0.revocations.count }
        try await writer.write(ByteBuffer(string: "event: epoch\ndata: {\"epoch\":\"\(self.epoch)\",\"head\":\(head)}\n\n"))
        var sent = after
        for tick in 0..<6000 {
            let (pending, stopped) = self.state.withLock { state in (state.revocations.filter { $0.seq > sent }, state.stopped) }
            if stopped || Task.isCancelled { return }
            for revocation in pending {
                try await writer.write(ByteBuffer(string: Self.revokedFrame(revocation)))
                sent = revocation.seq
            }
            if tick % 5 == 0 {
                try await writer.write(ByteBuffer(string: "event: heartbeat\ndata: {}\n\n"))
            }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    private static func revokedFrame(_ revocation: Revocation) -> String {
        let revokedAt = Date().formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
        let data =
            "{\"seq\":\(revocation.seq),\"sid\":\"\(revocation.session.uuidString.lowercased())\","
            + "\"sub\":\"\(revocation.user.uuidString.lowercased())\",\"revoked_at\":\"\(revokedAt)\",\"reason\":\"logout\"}"
        return "event: revoked\nid: \(revocation.seq)\ndata: \(data)\n\n"
    }

    private func isClient(_ request: Request) -> Bool {
        request.headers[.authorization] == "Basic " + Data("\(self.clientID):\(self.clientSecret)".utf8).base64EncodedString()
    }

    /// The RFC 7662 answer for `token`: active with `sub` and `sid` when ``forge`` signed it and its session was not ended.
    private func introspection(of token: String) -> String {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let signature = Base64URL.decode(parts[2]),
            self.forge.signingKey.privateKey.publicKey.isValidSignature(signature, for: Array("\(parts[0]).\(parts[1])".utf8)),
            let payloadBytes = Base64URL.decode(parts[1]),
            let payload = (try? JSONSerialization.jsonObject(with: Data(payloadBytes))) as? [String: Any],
            let subject = payload["sub"] as? String, let session = payload["sid"] as? String,
            !self.state.withLock({ $0.revocations.contains { $0.session.uuidString.lowercased() == session } })
        else { return #"{"active":false}"# }
        return #"{"active":true,"sub":"\#(subject)","sid":"\#(session)"}"#
    }
}
