import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import TestSupport
import Testing

/// `LOGIN_FAILURES_PER_CLIENT` over a real socket: the client address comes from `X-Forwarded-For`
/// only when the peer is a trusted proxy.
@Suite struct ClientRateLimitTests {
    /// An address in 198.18.0.0/15 (benchmarking) that no other test uses.
    static func uniqueAddress() -> String {
        "198.\(Int.random(in: 18...19)).\(Int.random(in: 0...255)).\(Int.random(in: 1...254))"
    }

    /// From the trusted 127.0.0.1, failures with different e-mails count for the forwarded address:
    /// past the limit it gets 429 even with the right password, another address does not, and after
    /// the window the address may log in again.
    @Test func forwardedAddressFromTrustedProxyIsLimited() async throws {
        let settings = ["LOGIN_FAILURES_PER_CLIENT": "3", "LOGIN_FAILURES_PER_EMAIL": "100", "LOGIN_FAILURE_WINDOW_SECONDS": "60"]
        try await TestApp.run(settings, setup: .live) { api in
            let user = try await api.newUser("client-limit")
            let attacker = Self.uniqueAddress()
            var other = Self.uniqueAddress()
            while other == attacker { other = Self.uniqueAddress() }
            for _ in 0..<3 {
                let failure = try await api.logIn(email: TestUser.unique("guess").email, password: "wrong password", headers: .forwardedFor(attacker))
                expectProblem(failure, .invalidCredentials)
            }
            let refused = try await api.logIn(email: user.email, password: user.password, headers: .forwardedFor(attacker))
            expectProblem(refused, .rateLimited)
            #expect((refused.headers[.retryAfter].flatMap { Int($0) } ?? 0) > 0)
            let elsewhere = try await api.logIn(email: user.email, password: user.password, headers: .forwardedFor(other))
            #expect(elsewhere.status == .created)
            let session = try BearerSession(try elsewhere.json())
            let listed = try await api.listSessions(session.accessToken).json()
            #expect(listed["items"]?.array?.first?["ip"]?.string == other)
            api.clock.advance(by: 61)
            #expect(try await api.logIn(email: user.email, password: user.password, headers: .forwardedFor(attacker)).status == .created)
        }
    }

    /// Behind trusted proxies the client is the nearest untrusted hop of `X-Forwarded-For`, read
    /// from the right, so an address the client itself put in front is not believed.
    @Test func nearestUntrustedHopIsTheClient() async throws {
        try await TestApp.run(["TRUSTED_PROXIES": "127.0.0.1/32,10.0.0.0/8"], setup: .live) { api in
            let user = try await api.newUser("hops")
            let client = Self.uniqueAddress()
            let session = try await api.bearerSession(user, headers: .forwardedFor("6.6.6.6, \(client), 10.1.2.3"))
            let listed = try await api.listSessions(session.accessToken).json()
            #expect(listed["items"]?.array?.first?["ip"]?.string == client)
        }
    }

    /// When 127.0.0.1 is not a trusted proxy, `X-Forwarded-For` is ignored: the peer is the client,
    /// so varying the header does not escape the limit, and sessions record the peer.
    @Test func forwardedAddressFromUntrustedPeerIsIgnored() async throws {
        try await TestDatabase.withIsolatedDatabase { databaseURL in
            let settings = [
                "TRUSTED_PROXIES": "10.0.0.0/8", "LOGIN_FAILURES_PER_CLIENT": "3", "LOGIN_FAILURES_PER_EMAIL": "100",
                "LOGIN_FAILURE_WINDOW_SECONDS": "60",
            ]
            try await TestApp.run(settings, databaseURL: databaseURL, setup: .live) { api in
                let user = try await api.newUser("untrusted")
                let session = try await api.bearerSession(user, headers: .forwardedFor(Self.uniqueAddress()))
                let listed = try await api.listSessions(session.accessToken).json()
                #expect(listed["items"]?.array?.first?["ip"]?.string == "127.0.0.1")
                for _ in 0..<3 {
                    let headers = HTTPFields.forwardedFor(Self.uniqueAddress())
                    let failure = try await api.logIn(email: TestUser.unique("guess").email, password: "wrong password", headers: headers)
                    expectProblem(failure, .invalidCredentials)
                }
                let refused = try await api.logIn(email: user.email, password: user.password, headers: .forwardedFor(Self.uniqueAddress()))
                expectProblem(refused, .rateLimited)
                expectProblem(try await api.logIn(email: user.email, password: user.password), .rateLimited)
            }
        }
    }
}
