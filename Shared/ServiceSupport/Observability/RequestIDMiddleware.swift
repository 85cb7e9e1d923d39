import Foundation
import HTTPTypes
import Hummingbird
import Logging
import TokenKitClients

/// Gives every request an id: the caller's `X-Request-ID` when it is 1–128 characters of
/// `[A-Za-z0-9._-]` (the gateway sets one), else a new one. The id is on every log line about the
/// request (`request_id`), on the response, and on the calls the request makes to `auth`.
///
/// The outermost middleware, so that every answer carries the id, problem responses included.
public struct RequestIDMiddleware<Context: RequestContext>: RouterMiddleware {
    static var headerName: HTTPField.Name { HTTPField.Name(OutgoingRequestID.headerName)! }

    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let id = request.headers[Self.headerName].flatMap { OutgoingRequestID.isAcceptable(Substring($0)) ? $0 : nil } ?? Self.newID()
        var context = context
        context.logger[metadataKey: "request_id"] = .string(id)
        var response = try await OutgoingRequestID.$current.withValue(id) {
            try await next(request, context)
        }
        response.headers[Self.headerName] = id
        return response
    }

    /// 32 hexadecimal digits (128 random bits), like a W3C trace id.
    static func newID() -> String {
        var generator = SystemRandomNumberGenerator()
        let high = generator.next() as UInt64
        let low = generator.next() as UInt64
        return String(format: "%016llx%016llx", high, low)
    }
}

/// At `LOG_LEVEL=debug`, one log line per request once it is answered: method, path (never the
/// query, which may carry a cursor), status, duration and, from the context's logger, `request_id`.
public struct RequestLogMiddleware<Context: RequestContext>: RouterMiddleware {
    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard context.logger.logLevel <= .debug else { return try await next(request, context) }
        let started = ContinuousClock.now
        do {
            let response = try await next(request, context)
            Self.log(request, context: context, status: Int(response.status.code), started: started)
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status.code ?? 500
            Self.log(request, context: context, status: Int(status), started: started)
            throw error
        }
    }

    private static func log(_ request: Request, context: Context, status: Int, started: ContinuousClock.Instant) {
        let elapsed = ContinuousClock.now - started
        let milliseconds = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        context.logger.debug(
            "Request answered",
            metadata: [
                "http.method": .string(request.method.rawValue),
                "http.path": .string(request.uri.path),
                "http.status": .stringConvertible(status),
                "http.duration_ms": .string(String(format: "%.2f", milliseconds)),
            ]
        )
    }
}
