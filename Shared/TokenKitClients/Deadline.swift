/// A remote call that did not finish within its deadline.
public struct DeadlineExceeded: Error, Equatable, CustomStringConvertible {
    /// The bound that was exceeded.
    public let limit: Duration

    public init(limit: Duration) {
        self.limit = limit
    }

    public var description: String { "no complete answer within \(self.limit)" }
}

/// Runs `operation` and cancels it when it outlasts `limit`, throwing ``DeadlineExceeded``.
///
/// async-http-client's own deadline ends once the response head arrives (it cancels its timer then),
/// and the shared clients have no read timeout, so a peer that sends a head and stalls mid-body would
/// hold a request for ever. Wrapping the request *and* the body read in this bound makes the deadline
/// cover the whole answer. The operation must honour cancellation (async-http-client's body stream
/// does: a cancelled read ends the request and closes its connection).
package func withDeadline<Value: Sendable>(
    _ limit: Duration,
    _ operation: @escaping @Sendable () async throws -> Value
) async throws -> Value {
    try await withThrowingTaskGroup(of: Value.self) { group in
        group.addTask { try await operation() }
        group.addTask {
            try await Task.sleep(for: limit)
            throw DeadlineExceeded(limit: limit)
        }
        defer { group.cancelAll() }
        guard let value = try await group.next() else { throw CancellationError() }
        return value
    }
}

extension Duration {
    /// The duration as NIO's `TimeAmount`, rounded down to whole nanoseconds.
    var timeAmountNanoseconds: Int64 {
        let (seconds, attoseconds) = self.components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
