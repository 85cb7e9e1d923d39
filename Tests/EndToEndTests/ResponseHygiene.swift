import TestSupport
import Testing

/// Checks that an answer to hostile input leaks nothing: never a 5xx, never one of the test's
/// secrets (tokens, passwords, hashes) in the body or any header, and nothing that looks like a
/// stack trace, a database error or a framework's internals.
enum ResponseHygiene {
    /// Text that would betray internals if it appeared in a response.
    static let internalMarkers = [
        "Fatal error", ".swift:", "PSQLError", "PostgresNIO", "SQLSTATE", "DecodingError", "Swift.", "NIOCore", "Hummingbird.",
        "Backtrace", "stack trace", "password_hash", "$2a$", "$2b$", "$2y$", "syntax error at", "pq:",
    ]

    /// Expects `response` to be no server error (but `allowing`) and to echo none of `secrets` and no internal marker.
    static func expectClean(
        _ response: TestResponse,
        secrets: [String] = [],
        allowing allowed: Int? = nil,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(
            response.status < 500 || response.status == allowed,
            "server error \(response.status): \(response.text.prefix(300))",
            sourceLocation: sourceLocation
        )
        let everything = ([response.text] + response.headers.map { "\($0.name): \($0.value)" }).joined(separator: "\n")
        for secret in secrets where secret.count >= 8 {
            #expect(!everything.contains(secret), "the response echoed a secret (\(secret.prefix(12))…)", sourceLocation: sourceLocation)
        }
        for marker in self.internalMarkers {
            #expect(!everything.contains(marker), "the response shows '\(marker)': \(response.text.prefix(300))", sourceLocation: sourceLocation)
        }
    }

    /// ``expectClean(_:secrets:sourceLocation:)`` plus ``ProblemCheck/expect(_:status:type:challenge:sourceLocation:)``.
    @discardableResult
    static func expectProblem(
        _ response: TestResponse,
        status: Int,
        type: String,
        challenge: Bool = true,
        secrets: [String] = [],
        sourceLocation: SourceLocation = #_sourceLocation
    ) -> JSONValue? {
        self.expectClean(response, secrets: secrets, allowing: status >= 500 ? status : nil, sourceLocation: sourceLocation)
        return ProblemCheck.expect(response, status: status, type: type, challenge: challenge, sourceLocation: sourceLocation)
    }
}
