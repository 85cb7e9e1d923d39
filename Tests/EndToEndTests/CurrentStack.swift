/// The stack the running test uses, bound by ``withStack(_:startingServices:_:)`` and the
/// shared-stack trait, so that tests and the failure log printer can find it.
enum CurrentStack {
    @TaskLocal static var value: ServiceStack?

    /// The bound stack; throws when a test forgot its stack trait or `withStack`.
    static func require() throws -> ServiceStack {
        guard let stack = self.value else {
            throw HarnessError("No service stack is bound: use the .sharedServiceStack suite trait or withStack { ... }")
        }
        return stack
    }
}
