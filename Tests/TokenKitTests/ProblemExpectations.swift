import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import ServiceSupport
import Testing
import TokenKit

/// Checks of RFC 9457 problem responses shared by the route tests.
enum ProblemExpectations {
    /// Expects `response` to be an uncacheable `application/problem+json` body of `type` with type, title,
    /// status and detail, and to echo none of `secrets` in its body or headers.
    static func expect(
        _ response: TestResponse,
        _ type: ProblemType,
        notContaining secrets: [String] = [],
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        #expect(response.status == type.status, sourceLocation: sourceLocation)
        #expect(response.headers[.contentType] == "application/problem+json", sourceLocation: sourceLocation)
        #expect(response.headers[.cacheControl] == "no-store", sourceLocation: sourceLocation)
        let body = String(buffer: response.body)
        let json = try #require(
            try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any],
            sourceLocation: sourceLocation
        )
        #expect(json["type"] as? String == type.rawValue, sourceLocation: sourceLocation)
        #expect(json["title"] as? String == type.title, sourceLocation: sourceLocation)
        #expect(json["status"] as? Int == Int(type.status.code), sourceLocation: sourceLocation)
        #expect((json["detail"] as? String)?.isEmpty == false, sourceLocation: sourceLocation)
        let headers = response.headers.map { "\($0.name): \($0.value)" }.joined(separator: "\n")
        for secret in secrets {
            #expect(!body.contains(secret), "the body echoes a secret", sourceLocation: sourceLocation)
            #expect(!headers.contains(secret), "a header echoes a secret", sourceLocation: sourceLocation)
        }
    }
}
