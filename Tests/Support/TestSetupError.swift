/// A test could not be set up (missing environment, unexpected response shape): says what to fix.
package struct TestSetupError: Error, CustomStringConvertible {
    package let description: String

    package init(_ description: String) {
        self.description = description
    }
}
