import HTTPTypes
import HummingbirdTesting
import NotesService
import TestSupport

/// The notes service as the tests run it: built by its own `buildApplication`, on a throwaway
/// database, against a stand-in auth.
/// Every test builds a whole service, so each suite is `.serialized`: all of them at once on two cores
/// would starve the timing tests of the other targets.
enum NotesTestApp {
    static func run(_ body: @Sendable (ResourceServiceAPI) async throws -> Void) async throws {
        try await ResourceServiceTest.run("notes", build: { try buildApplication(settings: $0, logger: $1) }, body)
    }
}

extension ResourceServiceAPI {
    /// Creates a note as `caller`; returns the 201's body.
    @discardableResult
    func createNote(as caller: TestCaller, title: String, body: String = "") async throws -> JSONValue {
        let response = try await self.send(.post, "/v1/notes", as: caller, json: ["title": .string(title), "body": .string(body)])
        guard response.status == .created else { throw TestSetupError("creating a note: \(response.status.code) \(response.text)") }
        return try response.json()
    }

    /// Creates notes titled "note 1" to "note `count`", oldest first, as `caller`.
    func createNotes(as caller: TestCaller, count: Int) async throws {
        for number in 1...count {
            try await self.createNote(as: caller, title: "note \(number)")
        }
    }
}
