/// What a request in flight during a fault came back with: a response, or a transport error
/// (connection refused or reset, timeout) when the server died under it.
enum Outcome: Sendable {
    case response(TestResponse)
    case failed(String)

    /// Sends the request and records whatever happens.
    static func of(_ send: () async throws -> TestResponse) async -> Outcome {
        do {
            return .response(try await send())
        } catch {
            return .failed(String(describing: error))
        }
    }

    /// The status, when there was a response.
    var status: Int? {
        if case .response(let response) = self { return response.status }
        return nil
    }
}
