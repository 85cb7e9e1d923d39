/// A test could not be set up (missing environment, unexpected response shape): says what to fix.
struct TestSetupError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
