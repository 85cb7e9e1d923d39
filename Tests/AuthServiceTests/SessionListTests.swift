import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import TestSupport
import Testing

/// `GET /v1/sessions`: the caller's active sessions, with the current one marked.
@Suite struct SessionListTests {
    /// Only the caller's active sessions are listed, each with exactly the contract's keys; `current`
    /// marks the caller's, and `user_agent` and `ip` are what the login came with.
    @Test func listsOnlyTheCallersActiveSessions() async throws {
        try await TestApp.run(setup: .live) { api in
            let user = try await api.newUser("list")
            func login(_ agent: String, _ address: String) async throws -> BearerSession {
                var headers = HTTPFields.forwardedFor(address)
                headers[.userAgent] = agent
                return try await api.bearerSession(user, headers: headers)
            }
            let phone = try await login("Phone/1.0", "192.0.2.10")
            let laptop = try await login("Laptop/2.0", "192.0.2.11")
            let revoked = try await login("Old/0.1", "192.0.2.12")
            let stranger = try await api.bearerSession(try await api.newUser("stranger"))
            let revoke = try await api.send(.delete, "/v1/sessions/\(revoked.sessionID)", headers: .bearer(phone.accessToken))
            #expect(revoke.status == .noContent)

            let response = try await api.listSessions(phone.accessToken)
            #expect(response.status == .ok)
            let body = try response.json()
            #expect(body.keys == ["items"])
            let items = try #require(body["items"]?.array)
            #expect(Set(items.compactMap { $0["id"]?.string }) == [phone.sessionID, laptop.sessionID])
            for item in items {
                #expect(item.keys == ["id", "created_at", "last_used_at", "user_agent", "ip", "current"])
                #expect(ISO8601DateFormatter().date(from: item["last_used_at"]?.string ?? "") != nil)
            }
            let current = try #require(items.first { $0["id"]?.string == phone.sessionID })
            let other = try #require(items.first { $0["id"]?.string == laptop.sessionID })
            #expect(current["current"]?.bool == true)
            #expect(other["current"]?.bool == false)
            #expect(current["user_agent"]?.string == "Phone/1.0")
            #expect(current["ip"]?.string == "192.0.2.10")
            #expect(other["user_agent"]?.string == "Laptop/2.0")
            #expect(other["ip"]?.string == "192.0.2.11")
            #expect(!response.text.contains(stranger.sessionID))

            let fromLaptop = try await api.listSessions(laptop.accessToken).json()
            let marked = fromLaptop["items"]?.array?.filter { $0["current"]?.bool == true }.compactMap { $0["id"]?.string }
            #expect(marked == [laptop.sessionID])
        }
    }
}
