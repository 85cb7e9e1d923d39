import Testing

/// Checks RFC 9457 problem responses against the contract's error table.
enum ProblemCheck {
    /// The prefix of every problem `type`.
    static let typePrefix = "urn:latchkey:problem:"

    /// Expects `response` to be the problem `type` (without the `urn:latchkey:problem:` prefix)
    /// with `status`, in `application/problem+json`, with `title` and `detail`; a 401 must also
    /// carry `WWW-Authenticate: Bearer realm="latchkey"…` unless `challenge` is false (the login,
    /// refresh and internal endpoints of auth answer with the problem body only).
    @discardableResult
    static func expect(
        _ response: TestResponse,
        status: Int,
        type: String,
        challenge: Bool = true,
        sourceLocation: SourceLocation = #_sourceLocation
    ) -> JSONValue? {
        #expect(response.status == status, "status (body: \(response.text.prefix(300)))", sourceLocation: sourceLocation)
        let contentType = response.header("Content-Type") ?? ""
        #expect(contentType.hasPrefix("application/problem+json"), "Content-Type was '\(contentType)'", sourceLocation: sourceLocation)
        let body = try? response.json()
        #expect(body?["type"]?.string == typePrefix + type, "problem type (body: \(response.text.prefix(300)))", sourceLocation: sourceLocation)
        #expect(body?["status"]?.int == status, "problem status member", sourceLocation: sourceLocation)
        #expect(body?["title"]?.string?.isEmpty == false, "problem title", sourceLocation: sourceLocation)
        #expect(body?["detail"]?.string?.isEmpty == false, "problem detail", sourceLocation: sourceLocation)
        if status == 401, challenge {
            let header = response.header("WWW-Authenticate") ?? ""
            #expect(header.hasPrefix("Bearer realm=\"latchkey\""), "WWW-Authenticate was '\(header)'", sourceLocation: sourceLocation)
        }
        return body
    }
}
