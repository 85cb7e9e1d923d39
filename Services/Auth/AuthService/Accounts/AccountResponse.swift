import Foundation
import ServiceSupport

/// `{id, email, created_at}`: a new account.
struct AccountResponse: Encodable, Sendable {
    let id: String
    let email: String
    let createdAt: Date

    init(_ account: Account) {
        self.id = account.id.lowercased
        self.email = account.email
        self.createdAt = account.createdAt
    }

    enum CodingKeys: String, CodingKey {
        case id, email
        case createdAt = "created_at"
    }
}
