import Foundation
import ServiceSupport

/// Normalizes and checks e-mail addresses: trimmed, lower-cased, one `@`, a dotted domain, ≤ 254 characters.
enum EmailAddress {
    static func normalize(_ raw: String) -> String {
        raw.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
    }

    static func isValid(_ email: String) -> Bool {
        guard email.count <= 254 else { return false }
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[0].count <= 64 else { return false }
        let domain = parts[1]
        guard domain.contains("."), !domain.hasPrefix("."), !domain.hasSuffix("."), !domain.contains("..") else { return false }
        return !email.contains(where: { $0.isWhitespace || $0.isNewline || $0 == "<" || $0 == ">" || $0 == "," })
    }
}

/// The password rule of sign-up and password change: 8 to 128 characters.
enum PasswordRules {
    static let length = 8...128

    static func check(_ password: String, field: String, in validator: inout FieldValidator) {
        validator.length(of: password, field: field, in: self.length)
    }
}
