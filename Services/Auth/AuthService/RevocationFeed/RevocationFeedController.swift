import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdAuth
import NIOCore
import ServiceLifecycle
import ServiceSupport
import TokenKit

/// `GET /internal/v1/revocations?after=<seq>`: the revocation feed, as Server-Sent Events.
///
/// On connect: an `epoch` event (the feed's epoch and the last sequence number handed out, so a
/// client can tell that the sequence restarted), every revocation after `after` whose tokens may
/// still be alive, then one heartbeat
/// (which tells the client the replay is complete), then new revocations as they commit on any
/// replica, with a heartbeat every 2 s. The subscription starts before the replay is read, and
/// events are sent in `seq` order exactly once, so nothing falls between replay and live. A stream
/// that falls ``RevocationFeed/subscriberBufferSize`` events behind is ended (see
/// ``RevocationBroadcaster``); the client resumes with `after=<last seq>`.
struct RevocationFeedController: Sendable {
    let broadcaster: RevocationBroadcaster
    let feed: RevocationFeedRepository
    let clients: BasicCredentialClients
    let replayWindow: TimeInterval
    let clock: AuthClock

    func addRoutes(to router: some RouterMethods<ServiceRequestContext>) {
        router.get("/internal/v1/revocations", use: self.stream)
    }

    /// The event stream for one resource-service replica.
    @Sendable func stream(request: Request, context: ServiceRequestContext) async throws -> Response {
        guard self.clients.authenticate(request.headers.basic) != nil else {
            throw BasicCredentialClients.unauthorized()
        }
        var after: Int64 = 0
        if let raw = request.uri.queryParameters.get("after") {
            guard let value = Int64(raw), value >= 0 else { throw Problem.validation(field: "after", "must be a whole number ≥ 0") }
            after = value
        }
        var headers = HTTPFields()
        headers[.contentType] = "text/event-stream"
        headers[.cacheControl] = "no-store"
        headers[HTTPField.Name("X-Accel-Buffering")!] = "no"
        let start = after
        return Response(
            status: .ok,
            headers: headers,
            body: ResponseBody { writer in
                try await self.write(after: start, to: &writer)
            }
        )
    }

    private func write(after: Int64, to writer: inout any ResponseBodyWriter) async throws {
        let subscription = await self.broadcaster.subscribe()
        let broadcaster = self.broadcaster
        do {
            try await withGracefulShutdownHandler {
                let (epoch, head) = try await self.feed.epochAndHead()
                try await writer.write(ByteBuffer(string: RevocationEvent.epochFrame(epoch: epoch, head: head)))
                var lastSent = after
                let now = self.clock.now()
                let since = now.addingTimeInterval(-self.replayWindow)
                let deletionsSince = now.addingTimeInterval(-RevocationFeed.accountDeletionReplay)
                while true {
                    let page = try await self.feed.events(after: lastSent, since: since, deletionsSince: deletionsSince)
                    // One write per page, not per event: a replay of tens of thousands is a few writes.
                    var frames = ByteBuffer()
                    for event in page {
                        frames.writeString(event.serverSentEvent)
                        lastSent = event.seq
                    }
                    if frames.readableBytes > 0 { try await writer.write(frames) }
                    if page.count < 1000 { break }
                }
                try await writer.write(ByteBuffer(string: RevocationEvent.heartbeat))
                // Everything waiting goes out as one write: a burst is a few writes, not one per event.
                while let batch = await subscription.subscription.take() {
                    var frames = ByteBuffer()
                    for event in batch.events where event.seq > lastSent {
                        frames.writeString(event.serverSentEvent)
                        lastSent = event.seq
                    }
                    if batch.heartbeat { frames.writeString(RevocationEvent.heartbeat) }
                    if frames.readableBytes > 0 { try await writer.write(frames) }
                }
            } onGracefulShutdown: {
                Task { await broadcaster.unsubscribe(subscription.id) }
            }
        } catch {
            // The client went away; fall through to clean up.
        }
        await broadcaster.unsubscribe(subscription.id)
        try? await writer.finish(nil)
    }
}

extension RevocationFeedController {
    init(core: AuthCore) {
        self.init(
            broadcaster: core.broadcaster,
            feed: core.feed,
            clients: core.internalClients,
            replayWindow: TimeInterval(core.settings.accessTokenTTL) + RevocationFeed.replayMargin,
            clock: core.clock
        )
    }
}
