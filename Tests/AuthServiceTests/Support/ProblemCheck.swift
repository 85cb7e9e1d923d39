import HummingbirdTesting
import TestSupport
import Testing

/// Checks that `response` is the problem `kind` (``ProblemCheck/expect(_:_:challenge:notContaining:sourceLocation:)``)
/// without asking for a `WWW-Authenticate` challenge: auth's login, refresh and internal endpoints answer with the
/// problem body only (``ProblemCheck/ProblemCheck.expectChallenge(_:description:sourceLocation:)`` checks one where it belongs).
@discardableResult
func expectProblem(_ response: TestResponse, _ kind: ProblemKind, sourceLocation: SourceLocation = #_sourceLocation) -> JSONValue? {
    ProblemCheck.expect(response, kind, challenge: false, sourceLocation: sourceLocation)
}
