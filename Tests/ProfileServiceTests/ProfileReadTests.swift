import Foundation
import HTTPTypes
import HummingbirdTesting
import TestSupport
import Testing

/// `GET /v1/profile`: the caller's own profile, every field written out.
@Suite("Profile: read", .serialized)
struct ProfileReadTests {
    @Test("a profile never set reads as the caller's id and nulls")
    func neverSet() async throws {
        try await ProfileTestApp.run { api, alice in
            let response = try await api.send(.get, "/v1/profile", as: alice)
            #expect(response.status == .ok)
            #expect(response.mediaType == "application/json")
            let expected: JSONValue = ["user_id": .string(alice.userID.uuidString.lowercased()), "display_name": nil, "bio": nil, "updated_at": nil]
            #expect(try response.json() == expected)
        }
    }

    @Test("without a token the profile is a 401 token-missing with the bearer challenge")
    func anonymous() async throws {
        try await ProfileTestApp.run { api, _ in
            let response = try await api.send(.get, "/v1/profile", as: nil)
            ProblemCheck.expect(response, .tokenMissing)
            ProblemCheck.expectChallenge(response, description: nil)
        }
    }
}
