import Testing

/// A suite trait that starts one ``ServiceStack`` for the whole suite (and the suites nested in
/// it), binds it to ``CurrentStack`` for their tests, and shuts it down when they have all run.
struct SharedStackTrait: SuiteTrait, TestScoping {
    /// One scope for the suite, not one per test.
    var isRecursive: Bool { false }

    func provideScope(
        for test: Test,
        testCase: Test.Case?,
        performing function: @Sendable () async throws -> Void
    ) async throws {
        try await withStack { _ in try await function() }
    }
}

extension Trait where Self == SharedStackTrait {
    /// Runs the suite's tests against one shared stack (tests must use unique e-mails).
    static var sharedServiceStack: Self { Self() }
}
