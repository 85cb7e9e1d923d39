import HTTPTypes
import HummingbirdTesting
import ServiceSupport
import TestSupport
import Testing

/// Checks of RFC 9457 problem responses shared by the route tests: TestSupport's ``ProblemCheck``, plus
/// what the catalogue promises beyond the contract (its title for the type, `Cache-Control: no-store`).
enum ProblemExpectations {
    /// Expects `response` to be an uncacheable `application/problem+json` body of `type` with type, title,
    /// status and detail, and to echo none of `secrets` in its body or headers.
    static func expect(
        _ response: TestResponse,
        _ type: ProblemType,
        notContaining secrets: [String] = [],
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let body = try #require(
            ProblemCheck.expect(
                response,
                status: Int(type.status.code),
                type: String(type.rawValue.dropFirst(ProblemCheck.typePrefix.count)),
                challenge: false,
                notContaining: secrets,
                sourceLocation: sourceLocation
            ),
            sourceLocation: sourceLocation
        )
        #expect(response.headers[.cacheControl] == "no-store", sourceLocation: sourceLocation)
        #expect(body["title"]?.string == type.title, sourceLocation: sourceLocation)
    }
}
