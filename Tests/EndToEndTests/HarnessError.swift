/// A failure of the test harness itself (not of a service), with a message that says what to do.
struct HarnessError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
