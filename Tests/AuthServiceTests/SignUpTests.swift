import Foundation
import HTTPTypes
import HummingbirdTesting
import TestSupport
import Testing

/// `POST /v1/accounts`: the new account's shape, e-mail normalization and taken e-mails.
@Suite struct SignUpTests {
    /// A sign-up answers 201 with exactly `{id, email, created_at}`, the e-mail trimmed and
    /// lower-cased, and never echoes the password or its hash.
    @Test func createsAccountWithNormalizedEmail() async throws {
        try await TestApp.run { api in
            let local = "Mixed-\(UUID().uuidString)"
            let email = "\(local.lowercased())@example.com"
            let password = "correct horse battery"
            let response = try await api.signUp(email: "  \(local)@Example.COM \n", password: password)
            #expect(response.status == .created)
            #expect(response.mediaType == "application/json")
            let body = try response.json()
            #expect(body.keys == ["id", "email", "created_at"])
            #expect(body["email"]?.string == email)
            #expect(UUID(uuidString: body["id"]?.string ?? "") != nil)
            #expect(ISO8601DateFormatter().date(from: body["created_at"]?.string ?? "") != nil)
            #expect(!response.text.contains(password))
            #expect(!response.text.contains("$2"))
            #expect(try await StoredState.accountCount(email: email) == 1)
            #expect(try await api.logIn(email: email, password: password).status == .created)
            #expect(try await api.logIn(email: " \(email.uppercased()) ", password: password).status == .created)
        }
    }

    /// A taken e-mail is 409 `conflict`, also spelled with other cases and spaces, and no second
    /// account appears.
    @Test(arguments: ["same", "upper-cased", "padded"])
    func takenEmailIsConflict(spelling: String) async throws {
        try await TestApp.run { api in
            let user = try await api.newUser("taken")
            let again =
                switch spelling {
                case "upper-cased": user.email.uppercased()
                case "padded": "  \(user.email)\t"
                default: user.email
                }
            let response = try await api.signUp(email: again, password: "another password")
            expectProblem(response, .conflict)
            #expect(!response.text.contains("another password"))
            #expect(try await StoredState.accountCount(email: user.email) == 1)
            #expect(try await api.logIn(email: user.email, password: user.password).status == .created)
            #expect(try await api.logIn(email: user.email, password: "another password").status == .unauthorized)
        }
    }

    /// Passwords of exactly 8 and 128 characters are accepted.
    @Test(arguments: [8, 128])
    func passwordLengthBoundariesAreAccepted(length: Int) async throws {
        try await TestApp.run { api in
            let user = TestUser.unique("boundary", password: String(repeating: "p", count: length))
            let signUp = try await api.signUp(email: user.email, password: user.password)
            #expect(signUp.status == .created)
            let login = try await api.logIn(email: user.email, password: user.password)
            #expect(login.status == .created)
        }
    }
}
