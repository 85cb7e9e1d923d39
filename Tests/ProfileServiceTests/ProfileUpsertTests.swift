import Foundation
import HTTPTypes
import HummingbirdTesting
import TestSupport
import Testing

/// `PUT /v1/profile`: creates or replaces the whole profile of the caller, and of nobody else.
@Suite("Profile: upsert", .serialized)
struct ProfileUpsertTests {
    @Test("the first PUT creates, the next replaces (a field left out becomes null), and GET reads what was stored")
    func createThenReplace() async throws {
        try await ProfileTestApp.run { api, alice in
            let created = try await api.send(.put, "/v1/profile", as: alice, json: ["display_name": "Alice", "bio": "Writes notes."])
            #expect(created.status == .ok)
            let first = try created.json()
            #expect(first["user_id"]?.string == alice.userID.uuidString.lowercased())
            #expect(first["display_name"]?.string == "Alice")
            #expect(first["bio"]?.string == "Writes notes.")
            #expect(first["updated_at"]?.string != nil)
            #expect(try await api.send(.get, "/v1/profile", as: alice).json() == first)

            let replaced = try await api.send(.put, "/v1/profile", as: alice, json: ["display_name": "A."])
            #expect(replaced.status == .ok)
            let second = try replaced.json()
            #expect(second["display_name"]?.string == "A.")
            #expect(second["bio"] == .null)
            #expect(try await api.send(.get, "/v1/profile", as: alice).json() == second)

            let cleared = try await api.send(.put, "/v1/profile", as: alice, json: ["display_name": nil, "bio": nil])
            #expect(try cleared.json()["display_name"] == .null)
        }
    }

    @Test("one user's profile is not another's")
    func perUser() async throws {
        try await ProfileTestApp.run { api, alice in
            let bob = api.newUser()
            _ = try await api.send(.put, "/v1/profile", as: alice, json: ["display_name": "Alice", "bio": nil])
            let bobs = try await api.send(.get, "/v1/profile", as: bob).json()
            #expect(bobs["user_id"]?.string == bob.userID.uuidString.lowercased())
            #expect(bobs["display_name"] == .null)
        }
    }

    @Test("a display name over 64 or a bio over 1,000 characters, a NUL or a wrong type is a 400 naming the field; nothing is stored")
    func validation() async throws {
        try await ProfileTestApp.run { api, alice in
            let cases: [(JSONValue, String)] = [
                (["display_name": .string(String(repeating: "d", count: 65)), "bio": nil], "display_name"),
                (["display_name": "ok", "bio": .string(String(repeating: "b", count: 1001))], "bio"),
                (["display_name": "nul \u{0}", "bio": nil], "display_name"),
                (["display_name": 7, "bio": nil], "display_name"),
                (["display_name": "ok", "bio": ["not", "text"]], "bio"),
            ]
            for (body, field) in cases {
                let response = try await api.send(.put, "/v1/profile", as: alice, json: body)
                ProblemCheck.expectValidationError(response, field: field)
            }
            #expect(try await api.send(.get, "/v1/profile", as: alice).json()["updated_at"] == .null)
            let limits = try await api.send(
                .put,
                "/v1/profile",
                as: alice,
                json: ["display_name": .string(String(repeating: "d", count: 64)), "bio": .string(String(repeating: "b", count: 1000))]
            )
            #expect(limits.status == .ok)
        }
    }
}
