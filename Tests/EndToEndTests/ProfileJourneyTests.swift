import TestSupport
import Testing

extension SharedStackSuite {
    /// The profile part of the journey: nulls before the first PUT, upsert, read back, and the field limits.
    @Suite("Profile journey")
    struct ProfileJourneyTests {
        /// GET before any PUT answers nulls; PUT 200 answers the profile; GET returns it.
        @Test("profile reads nulls, then what was put")
        func upsertAndRead() async throws {
            let stack = try CurrentStack.require()
            let account = try await TestAccount.create(on: stack)
            let session = try await account.login(on: stack)

            let empty = try await HTTP.send(.get, stack.url(.profile, "/v1/profile"), bearer: session.accessToken)
            #expect(empty.status == 200)
            let emptyProfile = try empty.json()
            #expect(emptyProfile["user_id"]?.string == account.id)
            #expect(emptyProfile["display_name"] == .null)
            #expect(emptyProfile["bio"] == .null)
            #expect(emptyProfile["updated_at"] == .null)

            let put = try await HTTP.send(
                .put,
                stack.url(.profile, "/v1/profile"),
                bearer: session.accessToken,
                json: ["display_name": "Ada", "bio": "Counts things."]
            )
            #expect(put.status == 200)
            let saved = try put.json()
            #expect(saved["user_id"]?.string == account.id)
            #expect(saved["display_name"] == "Ada")
            #expect(saved["bio"] == "Counts things.")
            #expect(saved["updated_at"]?.string != nil)

            let read = try await HTTP.send(.get, stack.url(.profile, "/v1/profile"), bearer: session.accessToken)
            #expect(read.status == 200)
            #expect(try read.json() == saved)
        }

        /// `display_name` may have 64 characters and `bio` 1,000; one more is 400 and changes nothing.
        @Test("profile field limits")
        func fieldLimits() async throws {
            let stack = try CurrentStack.require()
            let session = try await TestAccount.create(on: stack).login(on: stack)
            let url = stack.url(.profile, "/v1/profile")
            let longest: JSONValue = [
                "display_name": .string(String(repeating: "n", count: 64)), "bio": .string(String(repeating: "b", count: 1000)),
            ]
            let accepted = try await HTTP.send(.put, url, bearer: session.accessToken, json: longest)
            #expect(accepted.status == 200)
            let saved = try accepted.json()

            let longName = try await HTTP.send(
                .put,
                url,
                bearer: session.accessToken,
                json: ["display_name": .string(String(repeating: "n", count: 65)), "bio": "short"]
            )
            let nameProblem = ProblemCheck.expect(longName, status: 400, type: "validation-failed")
            #expect(nameProblem?["errors"]?[0]?["field"] == "display_name")

            let longBio = try await HTTP.send(
                .put,
                url,
                bearer: session.accessToken,
                json: ["display_name": "short", "bio": .string(String(repeating: "b", count: 1001))]
            )
            let bioProblem = ProblemCheck.expect(longBio, status: 400, type: "validation-failed")
            #expect(bioProblem?["errors"]?[0]?["field"] == "bio")

            let read = try await HTTP.send(.get, url, bearer: session.accessToken)
            #expect(try read.json() == saved, "a refused PUT changed the profile")
        }
    }
}
