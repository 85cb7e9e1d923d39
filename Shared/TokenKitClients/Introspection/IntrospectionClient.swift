import AsyncHTTPClient
import Foundation
import Logging
import Metrics
import NIOCore
import NIOHTTP1
import TokenKit

/// Confirms sessions with `auth`'s `POST /internal/v1/introspect`, for dangerous requests.
///
/// Uses the service's Basic credentials over a shared, pooled keep-alive HTTP client, and never
/// waits longer than the timeout, which bounds the whole answer: from the first byte sent to the
/// last byte of the body read (a peer that sends the head and stalls is cut off too). Anything but a clear answer from `auth` (refused connection,
/// timeout, an unexpected status or body) is `SessionCheckUnavailable` (TokenKit), which the confirmation
/// middleware answers with 503 `auth-unavailable` and `Retry-After`: the request fails closed. An answer about another session or user counts as inactive.
public struct IntrospectionClient: SessionStatusChecker {
    private let url: String
    private let authorization: String
    private let timeout: Duration
    private let httpClient: HTTPClient
    private let logger: Logger
    private let duration = Timer(label: "latchkey_introspection_duration_seconds")
    private let failures = Counter(label: "latchkey_introspection_failures_total")
    /// `latchkey_introspections_total{outcome}`: `active`, `inactive` (refused) or `unavailable` (503).
    private let outcomes = (
        active: Counter(label: "latchkey_introspections_total", dimensions: [("outcome", "active")]),
        inactive: Counter(label: "latchkey_introspections_total", dimensions: [("outcome", "inactive")]),
        unavailable: Counter(label: "latchkey_introspections_total", dimensions: [("outcome", "unavailable")])
    )

    /// - Parameters:
    ///   - authURL: the auth service's base URL.
    ///   - clientID: this service's introspection client id.
    ///   - clientSecret: its secret.
    ///   - timeout: the longest a confirmation may take, head and body (`INTROSPECTION_TIMEOUT_MS`).
    ///   - httpClient: the shared, pooled client every call to `auth` goes through.
    ///   - logger: where failed confirmations are logged (never with the token).
    public init(authURL: String, clientID: String, clientSecret: String, timeout: Duration, httpClient: HTTPClient, logger: Logger) {
        self.url = authURL.trimmingSuffix("/") + "/internal/v1/introspect"
        self.authorization = "Basic " + Data("\(clientID):\(clientSecret)".utf8).base64EncodedString()
        self.timeout = timeout
        self.httpClient = httpClient
        self.logger = logger
    }

    public func isSessionActive(_ identity: LocalIdentity) async throws -> Bool {
        let started = ContinuousClock.now
        defer {
            self.duration.record(duration: ContinuousClock.now - started)
        }
        let answer: IntrospectionResponse
        do {
            answer = try await self.introspect(identity.accessToken)
        } catch {
            self.failures.increment()
            self.outcomes.unavailable.increment()
            self.logger.warning("Introspection failed; refusing the request", metadata: ["error": .string(String(describing: error))])
            throw SessionCheckUnavailable(retryAfterSeconds: 2)
        }
        let active =
            answer.active && answer.sid == identity.sessionID.uuidString.lowercased() && answer.sub == identity.userID.uuidString.lowercased()
        (active ? self.outcomes.active : self.outcomes.inactive).increment()
        return active
    }

    private func introspect(_ token: String) async throws -> IntrospectionResponse {
        var request = HTTPClientRequest(url: self.url)
        request.method = .POST
        request.headers.add(name: "Authorization", value: self.authorization)
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        request.headers.add(name: "Accept", value: "application/json")
        if let requestID = OutgoingRequestID.current {
            request.headers.add(name: OutgoingRequestID.headerName, value: requestID)
        }
        request.body = .bytes(ByteBuffer(string: "token=" + Self.formEncode(token)))
        let httpClient = self.httpClient
        let timeout = self.timeout
        // async-http-client's own deadline stops at the response head; ours also covers the body.
        let (status, body) = try await withDeadline(timeout) { [request] in
            let response = try await httpClient.execute(request, timeout: .nanoseconds(timeout.timeAmountNanoseconds))
            return (response.status, try await response.body.collect(upTo: 16 * 1024))
        }
        guard status == .ok else { throw IntrospectionError.unexpectedStatus(Int(status.code)) }
        return try JSONDecoder().decode(IntrospectionResponse.self, from: Data(body.readableBytesView))
    }

    /// Percent-encodes a value for a form body (JWTs need little, but nothing is assumed).
    static func formEncode(_ value: String) -> String {
        // A JWT is base64url and dots: nothing to encode, and no need for Foundation's UTF-16 round trip.
        if value.utf8.allSatisfy(Self.isUnreserved) { return value }
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return value.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }
}

extension IntrospectionClient {
    /// RFC 3986 unreserved characters, which a form value carries as they are.
    static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        case UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
            true
        default:
            false
        }
    }
}

/// An introspection answer that was not a clear yes or no.
enum IntrospectionError: Error {
    case unexpectedStatus(Int)
}

/// The fields of an RFC 7662 answer that a resource service relies on.
struct IntrospectionResponse: Decodable {
    let active: Bool
    let sub: String?
    let sid: String?
}
