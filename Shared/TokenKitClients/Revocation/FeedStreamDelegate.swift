import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import Synchronization
import TokenKit

/// Streams a revocation feed response into a callback, byte buffer by byte buffer, through
/// async-http-client's delegate API, whose task can be cancelled when the stream goes silent.
final class FeedStreamDelegate: HTTPClientResponseDelegate, Sendable {
    typealias Response = Void

    private let onBytes: @Sendable (ByteBuffer) throws -> Void

    /// - Parameter onBytes: called for each piece of the body, in order; throwing ends the stream.
    init(onBytes: @escaping @Sendable (ByteBuffer) throws -> Void) {
        self.onBytes = onBytes
    }

    func didReceiveHead(task: HTTPClient.Task<Void>, _ head: HTTPResponseHead) -> EventLoopFuture<Void> {
        guard head.status == .ok else {
            return task.eventLoop.makeFailedFuture(RevocationFeedError.unexpectedStatus(Int(head.status.code)))
        }
        return task.eventLoop.makeSucceededVoidFuture()
    }

    func didReceiveBodyPart(task: HTTPClient.Task<Void>, _ buffer: ByteBuffer) -> EventLoopFuture<Void> {
        do {
            try self.onBytes(buffer)
            return task.eventLoop.makeSucceededVoidFuture()
        } catch {
            return task.eventLoop.makeFailedFuture(error)
        }
    }

    func didFinishRequest(task: HTTPClient.Task<Void>) throws {}
}
