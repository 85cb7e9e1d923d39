import Foundation
import HTTPTypes
import HummingbirdTesting
import TestSupport

/// The JWKS as tests read it.
extension AuthAPI {
    /// `GET /.well-known/jwks.json`, which must answer 200.
    func jwks() async throws -> JSONValue {
        let response = try await self.send(.get, "/.well-known/jwks.json")
        guard response.status == .ok else { throw TestSetupError("JWKS failed: \(response.status.code) \(response.text)") }
        return try response.json()
    }

    /// The key ids the JWKS publishes.
    func publishedKids() async throws -> Set<String> {
        Set(try await self.jwks()["keys"]?.array?.compactMap { $0["kid"]?.string } ?? [])
    }
}
