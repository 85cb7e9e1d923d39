import HTTPTypes
import HummingbirdTesting
import Testing

/// Checks that `response` is the problem `kind`: its status, `Content-Type: application/problem+json`,
/// and a body with `type`, `title`, `status` and `detail`. Returns the body for further checks.
@discardableResult
func expectProblem(_ response: TestResponse, _ kind: ProblemKind, sourceLocation: SourceLocation = #_sourceLocation) -> JSONValue? {
    #expect(Int(response.status.code) == kind.status, "status of \(kind.rawValue): \(response.text)", sourceLocation: sourceLocation)
    #expect(response.mediaType == "application/problem+json", sourceLocation: sourceLocation)
    guard let body = try? response.json() else {
        Issue.record("problem body is not JSON: \(response.text)", sourceLocation: sourceLocation)
        return nil
    }
    #expect(body["type"]?.string == kind.urn, "body: \(response.text)", sourceLocation: sourceLocation)
    #expect(body["status"]?.int == Int64(kind.status), sourceLocation: sourceLocation)
    #expect(body["title"]?.string?.isEmpty == false, sourceLocation: sourceLocation)
    #expect(body["detail"]?.string?.isEmpty == false, sourceLocation: sourceLocation)
    return body
}

/// Checks a 400 `validation-failed` with `errors: [{field, message}]`, one of them naming `field` if given.
func expectValidationError(_ response: TestResponse, field: String?, sourceLocation: SourceLocation = #_sourceLocation) {
    let body = expectProblem(response, .validationFailed, sourceLocation: sourceLocation)
    let errors = body?["errors"]?.array ?? []
    #expect(!errors.isEmpty, "validation errors listed: \(response.text)", sourceLocation: sourceLocation)
    for error in errors {
        #expect(error.keys == ["field", "message"], sourceLocation: sourceLocation)
        #expect(error["message"]?.string?.isEmpty == false, sourceLocation: sourceLocation)
    }
    if let field {
        #expect(errors.contains { $0["field"]?.string == field }, "an error for \(field): \(response.text)", sourceLocation: sourceLocation)
    }
}

/// Checks the RFC 6750 challenge of a 401: the realm, and for a presented token `error="invalid_token"`
/// with `error_description` equal to `description`.
func expectChallenge(_ response: TestResponse, description: String?, sourceLocation: SourceLocation = #_sourceLocation) {
    let challenge = response.headers[.wwwAuthenticate] ?? ""
    guard let description else {
        #expect(challenge == #"Bearer realm="latchkey""#, sourceLocation: sourceLocation)
        return
    }
    #expect(challenge.hasPrefix(#"Bearer realm="latchkey""#), "challenge: \(challenge)", sourceLocation: sourceLocation)
    #expect(challenge.contains(#"error="invalid_token""#), "challenge: \(challenge)", sourceLocation: sourceLocation)
    #expect(challenge.contains(#"error_description="\#(description)""#), "challenge: \(challenge)", sourceLocation: sourceLocation)
}

/// Checks the challenge of a refused, presented token that is not merely expired.
func expectInvalidTokenChallenge(_ response: TestResponse, sourceLocation: SourceLocation = #_sourceLocation) {
    let challenge = response.headers[.wwwAuthenticate] ?? ""
    #expect(challenge.hasPrefix(#"Bearer realm="latchkey""#), "challenge: \(challenge)", sourceLocation: sourceLocation)
    #expect(challenge.contains(#"error="invalid_token""#), "challenge: \(challenge)", sourceLocation: sourceLocation)
    #expect(challenge.contains("error_description="), "challenge: \(challenge)", sourceLocation: sourceLocation)
    #expect(!challenge.contains(#"error_description="expired""#), "challenge: \(challenge)", sourceLocation: sourceLocation)
}
