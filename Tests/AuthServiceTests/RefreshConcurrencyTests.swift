import Foundation
import HTTPTypes
import HummingbirdTesting
import TestSupport
import Testing

/// Many parallel refreshes with one token give exactly one rotation.
@Suite struct RefreshConcurrencyTests {
    /// 20 parallel refreshes with the same token all answer 200 with the same successor, the session
    /// advances exactly one generation, and the successor then rotates normally.
    @Test func parallelRefreshesRotateOnce() async throws {
        try await TestApp.run { api in
            let (_, session) = try await api.loggedInUser("parallel")
            let results = try await withThrowingTaskGroup(of: (Int, String?).self) { group in
                for _ in 0..<20 {
                    group.addTask {
                        let response = try await api.refresh(session.refreshToken)
                        return (Int(response.status.code), try? response.json()["refresh_token"]?.string)
                    }
                }
                var results: [(Int, String?)] = []
                for try await result in group {
                    results.append(result)
                }
                return results
            }
            #expect(results.count == 20)
            #expect(results.allSatisfy { $0.0 == 200 }, "statuses: \(results.map(\.0))")
            let successors = Set(results.compactMap(\.1))
            #expect(successors.count == 1)
            #expect(!successors.contains(session.refreshToken))
            #expect(try await StoredState.session(id: session.sessionID)?.generation == 1)
            #expect(try await StoredState.session(id: session.sessionID)?.revoked == false)
            let successor = try #require(successors.first)
            let next = try await api.rotate(successor)
            #expect(next.refreshToken != successor)
            #expect(try await StoredState.session(id: session.sessionID)?.generation == 2)
        }
    }
}
