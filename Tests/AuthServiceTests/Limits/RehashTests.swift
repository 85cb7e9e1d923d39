import Foundation
import HTTPTypes
import HummingbirdTesting
import TestSupport
import Testing

/// After `BCRYPT_COST` changes, a successful login rehashes the stored password at the new cost, so
/// known e-mails (stored cost) and unknown ones (the dummy hash, new cost) keep answering alike.
@Suite struct RehashTests {
    @Test func loginRehashesAtTheNewCost() async throws {
        let user = try await TestApp.run(["BCRYPT_COST": "4"]) { api in try await api.newUser("rehash") }
        #expect(try await StoredState.passwordHash(email: user.email)?.hasPrefix("$2b$04$") == true)
        try await TestApp.run(["BCRYPT_COST": "5"]) { api in
            expectProblem(try await api.logIn(email: user.email, password: "wrong password"), .invalidCredentials)
            #expect(try await StoredState.passwordHash(email: user.email)?.hasPrefix("$2b$04$") == true)
            #expect(try await api.logIn(email: user.email, password: user.password).status == .created)
            #expect(try await StoredState.passwordHash(email: user.email)?.hasPrefix("$2b$05$") == true)
            #expect(try await api.logIn(email: user.email, password: user.password).status == .created)
        }
    }
}
