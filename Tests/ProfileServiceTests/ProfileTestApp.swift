import ProfileService
import TestSupport

/// The profile service as the tests run it: built by its own `buildApplication`, on a throwaway
/// database, against a stand-in auth. A profile is per user, so every test gets a fresh signed-in user.
/// Every test builds a whole service, so each suite is `.serialized`: all of them at once on two cores
/// would starve the timing tests of the other targets.
enum ProfileTestApp {
    static func run(_ body: @Sendable (ResourceServiceAPI, TestCaller) async throws -> Void) async throws {
        try await ResourceServiceTest.run(
            "profile",
            build: { try buildApplication(settings: $0, logger: $1) },
            { api in try await body(api, api.newUser()) }
        )
    }
}
