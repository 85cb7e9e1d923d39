import ServiceSupport

/// The password rule of sign-up and password change: 8 to 128 characters.
enum PasswordRules {
    static let length = 8...128

    static func check(_ password: String, field: String, in validator: inout FieldValidator) {
        validator.length(of: password, field: field, in: self.length)
    }
}
