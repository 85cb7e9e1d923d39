/// One invalid field of a request body, as listed in a validation problem's `errors`.
public struct FieldError: Codable, Sendable, Equatable {
    /// The JSON name of the field, or a dotted path to it.
    public var field: String
    /// What is wrong with it, in words a client developer can act on.
    public var message: String

    public init(field: String, message: String) {
        self.field = field
        self.message = message
    }
}
