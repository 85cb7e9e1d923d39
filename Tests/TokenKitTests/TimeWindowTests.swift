import TestSupport
import Testing
import TokenKit

/// `exp` and `nbf` hold within a leeway of at most 30 s, and only a genuine, otherwise valid token is "expired".
@Suite("Time window")
struct TimeWindowTests {
    let factory = TokenForge()
    /// A token issued at ``TokenForge/now``: `nbf` = now, `exp` = now + 300.
    let token: String
    let expiresAt = TokenForge.now + 300

    init() {
        self.token = self.factory.token()
    }

    /// Verifies `token` with the clock at `time` and the given leeway.
    func verify(
        _ token: String,
        at time: Int64,
        leeway: Int64 = 30,
        allowingExpired: Bool = false
    ) async throws(TokenVerificationError) -> AccessTokenClaims {
        let verifier = TokenForge.verifier(keys: StaticKeyProvider(self.factory.verificationKey), at: time, leeway: leeway)
        return try await verifier.verify(token, allowingExpired: allowingExpired)
    }

    /// Just inside `exp + leeway` the token is accepted.
    @Test(arguments: [0, 1, 29])
    func acceptedUntilLeewayRunsOut(secondsPastExpiry: Int64) async throws {
        _ = try await self.verify(self.token, at: self.expiresAt + secondsPastExpiry)
    }

    /// At and past `exp + leeway` the token is expired.
    @Test(arguments: [30, 31, 3600])
    func expiredAtAndPastLeeway(secondsPastExpiry: Int64) async {
        await #expect(throws: TokenVerificationError.expired) { try await self.verify(self.token, at: self.expiresAt + secondsPastExpiry) }
    }

    /// At `nbf - leeway` the token is accepted.
    @Test(arguments: [0, 1, 30])
    func acceptedFromLeewayBeforeNotBefore(secondsEarly: Int64) async throws {
        _ = try await self.verify(self.token, at: TokenForge.now - secondsEarly)
    }

    /// Before `nbf - leeway` the token is not yet valid.
    @Test(arguments: [31, 32, 3600])
    func notYetValidPastLeeway(secondsEarly: Int64) async {
        await #expect(throws: TokenVerificationError.invalid(.notYetValid)) {
            try await self.verify(self.token, at: TokenForge.now - secondsEarly)
        }
    }

    /// A leeway configured above 30 s is clamped to 30 s, below zero to zero.
    @Test func leewayIsClamped() async throws {
        #expect(VerificationPolicy(issuer: "i", audiences: ["a"], leewaySeconds: 120).leewaySeconds == 30)
        #expect(VerificationPolicy(issuer: "i", audiences: ["a"], leewaySeconds: -5).leewaySeconds == 0)
        _ = try await self.verify(self.token, at: self.expiresAt + 29, leeway: 120)
        await #expect(throws: TokenVerificationError.expired) { try await self.verify(self.token, at: self.expiresAt + 30, leeway: 120) }
        await #expect(throws: TokenVerificationError.invalid(.notYetValid)) {
            try await self.verify(self.token, at: TokenForge.now - 31, leeway: 120)
        }
    }

    /// With no leeway the token expires exactly at `exp` and is valid exactly from `nbf`.
    @Test func zeroLeeway() async throws {
        _ = try await self.verify(self.token, at: self.expiresAt - 1, leeway: 0)
        _ = try await self.verify(self.token, at: TokenForge.now, leeway: 0)
        await #expect(throws: TokenVerificationError.expired) { try await self.verify(self.token, at: self.expiresAt, leeway: 0) }
        await #expect(throws: TokenVerificationError.invalid(.notYetValid)) {
            try await self.verify(self.token, at: TokenForge.now - 1, leeway: 0)
        }
    }

    /// An expired token whose signature is bad is invalid, never "expired".
    @Test func expiredWithBadSignature() async {
        let forged = TokenForge().token(header: self.factory.header)

        await #expect(throws: TokenVerificationError.invalid(.badSignature)) { try await self.verify(forged, at: self.expiresAt + 3600) }
    }

    /// An expired token with the wrong audience or issuer is invalid, never "expired".
    @Test(arguments: ["aud", "iss"])
    func expiredWithWrongClaim(claim: String) async {
        var payload = TokenForge.claims()
        payload[claim] = claim == "aud" ? ["profile"] : "evil"
        let token = self.factory.token(payload: payload)
        let reason: InvalidTokenReason = claim == "aud" ? .wrongAudience : .wrongIssuer

        await #expect(throws: TokenVerificationError.invalid(reason)) { try await self.verify(token, at: self.expiresAt + 3600) }
    }

    /// `allowingExpired` accepts an expired but otherwise valid token and returns its claims.
    @Test func allowingExpiredAcceptsGenuineToken() async throws {
        let claims = try await self.verify(self.token, at: self.expiresAt + 3600, allowingExpired: true)

        #expect(claims.expiresAt == self.expiresAt)
    }

    /// `allowingExpired` still refuses a bad signature, a wrong audience and a token not yet valid.
    @Test func allowingExpiredStillChecksEverythingElse() async {
        let forged = TokenForge().token(header: self.factory.header)
        var payload = TokenForge.claims()
        payload["aud"] = ["profile"]
        let wrongAudience = self.factory.token(payload: payload)

        await #expect(throws: TokenVerificationError.invalid(.badSignature)) {
            try await self.verify(forged, at: self.expiresAt + 3600, allowingExpired: true)
        }
        await #expect(throws: TokenVerificationError.invalid(.wrongAudience)) {
            try await self.verify(wrongAudience, at: self.expiresAt + 3600, allowingExpired: true)
        }
        await #expect(throws: TokenVerificationError.invalid(.notYetValid)) {
            try await self.verify(self.token, at: TokenForge.now - 31, allowingExpired: true)
        }
    }

    /// Extreme but genuinely signed times are judged without overflow: a far `exp` is fine, a far `nbf` is not yet valid.
    @Test func extremeTimesDoNotOverflow() async throws {
        var farFuture = TokenForge.claims()
        farFuture["exp"] = .int(.max)
        var farPast = TokenForge.claims()
        farPast["nbf"] = .int(.min)
        farPast["exp"] = .int(.min)
        var notYet = TokenForge.claims()
        notYet["nbf"] = .int(.max)

        _ = try await self.verify(self.factory.token(payload: farFuture), at: TokenForge.now)
        await #expect(throws: TokenVerificationError.expired) { try await self.verify(self.factory.token(payload: farPast), at: TokenForge.now) }
        await #expect(throws: TokenVerificationError.invalid(.notYetValid)) {
            try await self.verify(self.factory.token(payload: notYet), at: TokenForge.now)
        }
    }
}
