import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import TokenKit

/// Why TokenKit's middleware refused a request: each case is one answer of the contract, with its
/// status, its `WWW-Authenticate` challenge or `Retry-After`, and its problem type.
///
/// It answers as problem+json itself, so a service that adopts TokenKitHummingbird alone gets the
/// contract's answers; ServiceSupport's problem catalogue takes its titles from here.
public enum AccessDenied: HTTPResponseError, Sendable, Equatable {
    /// No credentials: 401 `token-missing`.
    case tokenMissing
    /// A presented token failed verification: 401 `token-expired` or `token-invalid`.
    case tokenRejected(TokenVerificationError)
    /// A valid token whose session has ended: 401 `session-ended`.
    case sessionEnded
    /// A cookie-authenticated write without the right `X-CSRF-Token`: 403 `csrf-failed`.
    case csrfFailed
    /// The session could not be confirmed in time: 503 `auth-unavailable`.
    case authUnavailable(retryAfterSeconds: Int)
    /// A write route reached without a confirmed session (a wiring mistake, not the caller's): 500.
    case notConfirmed

    public var status: HTTPResponse.Status {
        switch self {
        case .tokenMissing, .tokenRejected, .sessionEnded: .unauthorized
        case .csrfFailed: .forbidden
        case .authUnavailable: .serviceUnavailable
        case .notConfirmed: .internalServerError
        }
    }

    /// The contract's problem type, the last part of `urn:latchkey:problem:…`.
    public var problemName: String {
        switch self {
        case .tokenMissing: "token-missing"
        case .tokenRejected(.expired): "token-expired"
        case .tokenRejected(.invalid): "token-invalid"
        case .sessionEnded: "session-ended"
        case .csrfFailed: "csrf-failed"
        case .authUnavailable: "auth-unavailable"
        case .notConfirmed: "internal-error"
        }
    }

    /// A short, constant summary of the problem type.
    public var title: String {
        switch self {
        case .tokenMissing: "Authentication required"
        case .tokenRejected(.expired): "Access token expired"
        case .tokenRejected(.invalid): "Access token invalid"
        case .sessionEnded: "Session ended"
        case .csrfFailed: "CSRF check failed"
        case .authUnavailable: "Authentication service unavailable"
        case .notConfirmed: "Internal error"
        }
    }

    /// What a client should do, in a sentence; never a token.
    public var detail: String {
        switch self {
        case .tokenMissing: "This request needs an access token."
        case .tokenRejected(.expired): "The access token has expired; refresh it and retry."
        case .tokenRejected(.invalid): "The access token is not valid."
        case .sessionEnded: "The session has ended; log in again."
        case .csrfFailed: "Send the value of the csrf cookie in the X-CSRF-Token header."
        case .authUnavailable: "The session could not be confirmed right now; retry shortly."
        case .notConfirmed: "The session was not confirmed."
        }
    }

    /// `WWW-Authenticate` on every 401 (RFC 6750), `Retry-After` on the 503.
    public var headers: HTTPFields {
        var headers = HTTPFields()
        switch self {
        case .tokenMissing: headers[.wwwAuthenticate] = BearerChallenge.noToken
        case .tokenRejected(.expired): headers[.wwwAuthenticate] = BearerChallenge.invalidToken(description: "expired")
        case .tokenRejected(.invalid): headers[.wwwAuthenticate] = BearerChallenge.invalidToken(description: "invalid")
        case .sessionEnded: headers[.wwwAuthenticate] = BearerChallenge.invalidToken(description: "session ended")
        case .authUnavailable(let seconds): headers[.retryAfter] = String(max(1, seconds))
        case .csrfFailed, .notConfirmed: break
        }
        return headers
    }

    /// The answer, as problem+json (RFC 9457) with the contract's type.
    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let body = Body(type: "urn:latchkey:problem:\(self.problemName)", title: self.title, status: Int(self.status.code), detail: self.detail)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var headers = self.headers
        headers[.contentType] = "application/problem+json"
        headers[.cacheControl] = "no-store"
        return Response(status: self.status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: try encoder.encode(body))))
    }

    private struct Body: Encodable {
        let type: String
        let title: String
        let status: Int
        let detail: String
    }
}
