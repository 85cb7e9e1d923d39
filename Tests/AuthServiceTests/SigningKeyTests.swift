import Crypto
import Foundation
import HTTPTypes
import HummingbirdTesting
import TestSupport
import Testing

/// Signing keys shared by replicas, kept across restarts, rotated without logging anyone out,
/// and sealed at rest. Each test has its own database, so it alone decides the keys.
@Suite struct SigningKeyTests {
    /// Two apps on one database sign with the same `kid`, accept each other's tokens and refresh
    /// tokens, and publish the same keys.
    @Test func replicasShareTheKeys() async throws {
        try await TestDatabase.withIsolatedDatabase { databaseURL in
            let clock = TestClock()
            let settings = try TestSettings.make(databaseURL: databaseURL)
            let first = try await TestApp.make(settings, clock: clock)
            let second = try await TestApp.make(settings, clock: clock)
            try await first.test(.router) { firstClient in
                let one = AuthAPI(client: firstClient, clock: clock, cookieSecure: true)
                try await second.test(.router) { secondClient in
                    let two = AuthAPI(client: secondClient, clock: clock, cookieSecure: true)
                    let (user, fromOne) = try await one.loggedInUser("replica")
                    let fromTwo = try await two.bearerSession(user)
                    #expect(try TokenSignature.kid(fromOne.accessToken) == TokenSignature.kid(fromTwo.accessToken))
                    #expect(try await one.isActive(fromTwo.accessToken))
                    #expect(try await two.isActive(fromOne.accessToken))
                    #expect(try await one.publishedKids() == two.publishedKids())
                    let rotated = try await two.rotate(fromOne.refreshToken)
                    _ = try await one.rotate(rotated.refreshToken)
                }
            }
        }
    }

    /// After a restart on the same database, earlier access and refresh tokens still work and new
    /// tokens are signed with the same key.
    @Test func restartKeepsTokensValid() async throws {
        try await TestDatabase.withIsolatedDatabase { databaseURL in
            let clock = TestClock()
            let settings = try TestSettings.make(databaseURL: databaseURL)
            let session = try await TestApp.make(settings, clock: clock).test(.router) { client in
                try await AuthAPI(client: client, clock: clock, cookieSecure: true).loggedInUser("restart")
            }
            clock.advance(by: 1)
            try await TestApp.make(settings, clock: clock).test(.router) { client in
                let api = AuthAPI(client: client, clock: clock, cookieSecure: true)
                #expect(try await api.isActive(session.1.accessToken))
                let rotated = try await api.rotate(session.1.refreshToken)
                #expect(try TokenSignature.kid(rotated.accessToken) == TokenSignature.kid(session.1.accessToken))
            }
        }
    }

    /// With a short rotation period, the next key is published before it signs; once its time has
    /// come new tokens carry it, old tokens still verify and the old key stays published; the
    /// maintenance pass publishes the key after it; and once the retired keys' last tokens have
    /// expired, a restart withdraws them.
    @Test func rotationKeepsOldTokensValid() async throws {
        try await TestDatabase.withIsolatedDatabase { databaseURL in
            let clock = TestClock()
            let settings = try TestSettings.make(databaseURL: databaseURL, ["SIGNING_KEY_ROTATION_SECONDS": "4"])
            let (oldKid, newKid) = try await TestApp.make(settings, clock: clock).test(.router) { client in
                let api = AuthAPI(client: client, clock: clock, cookieSecure: true)
                let (user, old) = try await api.loggedInUser("rotation")
                let oldKid = try #require(try TokenSignature.kid(old.accessToken))
                let before = try await api.publishedKids()
                #expect(before.contains(oldKid))
                #expect(before.count >= 2, "the next key is published before it signs")

                clock.advance(by: 5)
                let fresh = try await api.bearerSession(user)
                let newKid = try #require(try TokenSignature.kid(fresh.accessToken))
                #expect(newKid != oldKid)
                #expect(before.contains(newKid))
                #expect(try await api.isActive(old.accessToken))
                #expect(try await api.isActive(fresh.accessToken))
                let jwks = try await api.jwks()
                #expect(try TokenSignature.verifies(old.accessToken, with: jwks))
                #expect(try TokenSignature.verifies(fresh.accessToken, with: jwks))

                var published = try await api.publishedKids()
                for _ in 0..<50 where published.count < 3 {
                    try await Task.sleep(for: .milliseconds(100))
                    published = try await api.publishedKids()
                }
                #expect(published.isSuperset(of: [oldKid, newKid]))
                #expect(published.count >= 3, "the maintenance pass publishes the key after the new one")
                return (oldKid, newKid)
            }

            clock.advance(by: 400)
            try await TestApp.make(settings, clock: clock).test(.router) { client in
                let api = AuthAPI(client: client, clock: clock, cookieSecure: true)
                let published = try await api.publishedKids()
                #expect(!published.contains(oldKid), "a key whose tokens have all expired is withdrawn")
                #expect(!published.contains(newKid), "a key whose tokens have all expired is withdrawn")
                let (_, session) = try await api.loggedInUser("after-rotation")
                let currentKid = try #require(try TokenSignature.kid(session.accessToken))
                #expect(published.contains(currentKid))
                #expect(![oldKid, newKid].contains(currentKid))
            }
        }
    }

    /// Stored private keys are AES-GCM sealed (12-byte nonce, 32-byte key, 16-byte tag): no 32 bytes
    /// of the stored value are the private key of the published public key.
    @Test func privateKeysAreSealedAtRest() async throws {
        try await TestDatabase.withIsolatedDatabase { databaseURL in
            let clock = TestClock()
            let settings = try TestSettings.make(databaseURL: databaseURL)
            let jwks = try await TestApp.make(settings, clock: clock).test(.router) { client in
                try await AuthAPI(client: client, clock: clock, cookieSecure: true).jwks()
            }
            let stored = try await StoredState.signingKeys(databaseURL: databaseURL)
            #expect(!stored.isEmpty)
            for key in stored {
                #expect(key.sealed.count == 60)
                let jwk = try #require(jwks["keys"]?.array?.first { $0["kid"]?.string == key.kid })
                let published = try #require(TokenSignature.publicKey(jwk)).rawRepresentation
                for start in 0...(key.sealed.count - 32) {
                    let window = Array(key.sealed[start..<(start + 32)])
                    let candidate = try Curve25519.Signing.PrivateKey(rawRepresentation: window)
                    #expect(candidate.publicKey.rawRepresentation != published, "private key stored in plain text at offset \(start)")
                }
            }
        }
    }
}
