import ProfileService
import TestSupport

/// The profile service as the tests run it: built by its own `buildApplication`, on a throwaway
/// database, against a stand-in auth.
enum ProfileTestApp {
    static func run(_ body: @Sendable (ResourceServiceAPI) async throws -> Void) async throws {
        try await ResourceServiceTest.run("profile", build: { try buildApplication(settings: $0, logger: $1) }, body)
    }
}
