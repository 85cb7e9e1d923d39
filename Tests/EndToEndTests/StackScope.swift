import Testing

/// Runs `body` with a fresh ``ServiceStack`` bound to ``CurrentStack``, and always shuts the stack
/// down (every process stopped by PID), whether `body` returns, throws or is cancelled.
///
/// - Parameters:
///   - options: the stack's settings.
///   - postgres: the server for the stack's databases; nil uses the shared test server.
///   - startingServices: start all three services (auth first) before `body`; false starts none.
///   - body: the test.
func withStack<T: Sendable>(
    _ options: StackOptions = StackOptions(),
    postgres: TestPostgres? = nil,
    startingServices: Bool = true,
    _ body: (ServiceStack) async throws -> T
) async throws -> T {
    let stack = try await ServiceStack.create(options: options, postgres: postgres)
    do {
        if startingServices {
            try await stack.startAll()
        }
        let result = try await CurrentStack.$value.withValue(stack) { try await body(stack) }
        await StackScope.shutdown(stack)
        stack.removeLogsUnlessFailed()
        return result
    } catch {
        stack.printLogTailOnce(for: StackScope.currentTestName, reason: "\(error)")
        await StackScope.shutdown(stack)
        throw error
    }
}

/// Helpers of ``withStack(_:startingServices:_:)``.
enum StackScope {
    /// The running test's name, to print each failing test's logs once.
    static var currentTestName: String {
        Test.current?.name ?? "stack"
    }

    /// Shuts `stack` down in a task of its own, so that a cancelled test still stops its processes.
    static func shutdown(_ stack: ServiceStack) async {
        await Task { await stack.shutdown() }.value
    }
}
