import Foundation
import TestSupport

/// An account's credentials, with an e-mail no other test uses.
struct TestUser: Sendable {
    let email: String
    let password: String

    /// New credentials with a UUID-based e-mail.
    static func unique(_ label: String = "user", password: String = "correct horse battery") -> TestUser {
        TestUser(email: "\(label)-\(UUID().uuidString.lowercased())@example.com", password: password)
    }
}
