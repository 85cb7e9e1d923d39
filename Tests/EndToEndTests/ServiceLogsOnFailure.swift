import Testing

/// The trait that prints the tail of the current stack's service logs when a test records an issue.
enum ServiceLogsOnFailure {
    /// Passes every issue through unchanged, printing the bound stack's logs the first time a test fails.
    static let trait: IssueHandlingTrait = .compactMapIssues { issue in
        if let stack = CurrentStack.value {
            stack.printLogTailOnce(for: StackScope.currentTestName, reason: "\(issue)")
        }
        return issue
    }
}

extension Trait where Self == IssueHandlingTrait {
    /// Prints the service logs of the test's stack when the test fails.
    static var serviceLogsOnFailure: Self { ServiceLogsOnFailure.trait }
}
