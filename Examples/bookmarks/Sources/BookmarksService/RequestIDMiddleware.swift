import Foundation
import Hummingbird
import Logging
import TokenKitClients

/// Gives every request an id: the caller's `X-Request-ID` when it is 1–128 characters of
/// `[A-Za-z0-9._-]`, else a new one. It is on every log line about the request, on the answer, and
/// on the introspection call to `auth` (TokenKitClients reads `OutgoingRequestID.current`).
public struct RequestIDMiddleware<Context: RequestContext>: RouterMiddleware {
    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let given = request.headers[.init(OutgoingRequestID.headerName)!].flatMap { OutgoingRequestID.isAcceptable(Substring($0)) ? $0 : nil }
        let id = given ?? UUID().uuidString.lowercased()
        var context = context
        context.logger[metadataKey: "request_id"] = .string(id)
        var response = try await OutgoingRequestID.$current.withValue(id) { try await next(request, context) }
        response.headers[.init(OutgoingRequestID.headerName)!] = id
        return response
    }
}
