import Foundation

/// Where the tests' PostgreSQL is: the variables `Scripts/with-test-postgres.sh` exports.
package enum TestEnvironment {
    private static let hint = "run the tests with: Scripts/with-test-postgres.sh swift test --skip-build --filter <Suite>"

    /// `DATABASE_URL`, the database most tests share.
    package static func databaseURL() throws -> String {
        guard let url = ProcessInfo.processInfo.environment["DATABASE_URL"], !url.isEmpty else {
            throw TestSetupError("DATABASE_URL is not set; these tests need a real PostgreSQL database: \(hint)")
        }
        return url
    }

    /// `LATCHKEY_TEST_POSTGRES` (the server without a database), else the server of `DATABASE_URL`.
    package static func serverURL() throws -> String {
        if let url = ProcessInfo.processInfo.environment["LATCHKEY_TEST_POSTGRES"], !url.isEmpty {
            return url.hasSuffix("/") ? String(url.dropLast()) : url
        }
        guard var components = URLComponents(string: try self.databaseURL()) else {
            throw TestSetupError("DATABASE_URL is not a URL: \(hint)")
        }
        components.path = ""
        components.query = nil
        guard let url = components.string else { throw TestSetupError("DATABASE_URL has no server part: \(hint)") }
        return url
    }
}
