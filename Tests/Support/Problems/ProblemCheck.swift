import Testing

/// Checks RFC 9457 problem responses against the contract's error table (``ProblemKind``).
package enum ProblemCheck {
    /// The prefix of every problem `type`.
    package static let typePrefix = "urn:latchkey:problem:"

    /// Expects `response` to be the problem `type` (without the `urn:latchkey:problem:` prefix)
    /// with `status`, in `application/problem+json`, with `title` and `detail`, echoing none of
    /// `secrets` in its body or headers; a 401 must also carry `WWW-Authenticate: Bearer realm="latchkey"…`
    /// unless `challenge` is false (the login, refresh and internal endpoints of auth answer with the
    /// problem body only). Returns the body for further checks.
    @discardableResult
    package static func expect(
        _ response: some HTTPAnswer,
        status: Int,
        type: String,
        challenge: Bool = true,
        notContaining secrets: [String] = [],
        sourceLocation: SourceLocation = #_sourceLocation
    ) -> JSONValue? {
        #expect(response.statusCode == status, "status (body: \(response.text.prefix(300)))", sourceLocation: sourceLocation)
        #expect(
            response.mediaType == "application/problem+json",
            "Content-Type was '\(response.headerValue("Content-Type") ?? "")'",
            sourceLocation: sourceLocation
        )
        if status == 401, challenge {
            let header = response.headerValue("WWW-Authenticate") ?? ""
            #expect(header.hasPrefix(#"Bearer realm="latchkey""#), "WWW-Authenticate was '\(header)'", sourceLocation: sourceLocation)
        }
        let headers = response.headerLines.joined(separator: "\n")
        for secret in secrets {
            #expect(!response.text.contains(secret), "the body echoes a secret", sourceLocation: sourceLocation)
            #expect(!headers.contains(secret), "a header echoes a secret", sourceLocation: sourceLocation)
        }
        guard let body = response.jsonBody else {
            Issue.record("problem body is not JSON: \(response.text.prefix(300))", sourceLocation: sourceLocation)
            return nil
        }
        #expect(body["type"]?.string == typePrefix + type, "problem type (body: \(response.text.prefix(300)))", sourceLocation: sourceLocation)
        #expect(body["status"]?.int == status, "problem status member", sourceLocation: sourceLocation)
        #expect(body["title"]?.string?.isEmpty == false, "problem title", sourceLocation: sourceLocation)
        #expect(body["detail"]?.string?.isEmpty == false, "problem detail", sourceLocation: sourceLocation)
        return body
    }

    /// Expects `response` to be the problem `kind` with the status that goes with it (see the other overload).
    @discardableResult
    package static func expect(
        _ response: some HTTPAnswer,
        _ kind: ProblemKind,
        challenge: Bool = true,
        notContaining secrets: [String] = [],
        sourceLocation: SourceLocation = #_sourceLocation
    ) -> JSONValue? {
        self.expect(response, status: kind.status, type: kind.rawValue, challenge: challenge, notContaining: secrets, sourceLocation: sourceLocation)
    }

    /// Expects a 400 `validation-failed` with `errors: [{field, message}]`, one of them naming `field` if given.
    /// Returns the errors.
    @discardableResult
    package static func expectValidationError(
        _ response: some HTTPAnswer,
        field: String?,
        sourceLocation: SourceLocation = #_sourceLocation
    ) -> [JSONValue] {
        let body = self.expect(response, .validationFailed, sourceLocation: sourceLocation)
        let errors = body?["errors"]?.array ?? []
        #expect(!errors.isEmpty, "validation errors listed: \(response.text)", sourceLocation: sourceLocation)
        for error in errors {
            #expect(error.keys == ["field", "message"], sourceLocation: sourceLocation)
            #expect(error["message"]?.string?.isEmpty == false, sourceLocation: sourceLocation)
        }
        if let field {
            #expect(errors.contains { $0["field"]?.string == field }, "an error for \(field): \(response.text)", sourceLocation: sourceLocation)
        }
        return errors
    }

    /// Expects the RFC 6750 challenge of a 401: the realm, and for a presented token `error="invalid_token"`
    /// with `error_description` equal to `description`.
    package static func expectChallenge(_ response: some HTTPAnswer, description: String?, sourceLocation: SourceLocation = #_sourceLocation) {
        let challenge = response.headerValue("WWW-Authenticate") ?? ""
        guard let description else {
            #expect(challenge == #"Bearer realm="latchkey""#, sourceLocation: sourceLocation)
            return
        }
        #expect(challenge.hasPrefix(#"Bearer realm="latchkey""#), "challenge: \(challenge)", sourceLocation: sourceLocation)
        #expect(challenge.contains(#"error="invalid_token""#), "challenge: \(challenge)", sourceLocation: sourceLocation)
        #expect(challenge.contains(#"error_description="\#(description)""#), "challenge: \(challenge)", sourceLocation: sourceLocation)
    }

    /// Expects the challenge of a refused, presented token that is not merely expired.
    package static func expectInvalidTokenChallenge(_ response: some HTTPAnswer, sourceLocation: SourceLocation = #_sourceLocation) {
        let challenge = response.headerValue("WWW-Authenticate") ?? ""
        #expect(challenge.hasPrefix(#"Bearer realm="latchkey""#), "challenge: \(challenge)", sourceLocation: sourceLocation)
        #expect(challenge.contains(#"error="invalid_token""#), "challenge: \(challenge)", sourceLocation: sourceLocation)
        #expect(challenge.contains("error_description="), "challenge: \(challenge)", sourceLocation: sourceLocation)
        #expect(!challenge.contains(#"error_description="expired""#), "challenge: \(challenge)", sourceLocation: sourceLocation)
    }
}
