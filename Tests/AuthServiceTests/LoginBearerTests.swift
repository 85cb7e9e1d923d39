import Foundation
import HTTPTypes
import HummingbirdTesting
import TestSupport
import Testing

/// `POST /v1/sessions` in bearer transport: the response, the access token and the refresh token.
@Suite struct LoginBearerTests {
    /// Login answers 201 with exactly the contract's keys, tokens only in the body.
    @Test func responseHasExactlyTheContractShape() async throws {
        try await TestApp.run { api in
            let user = try await api.newUser("login")
            let response = try await api.logIn(email: user.email, password: user.password)
            #expect(response.status == .created)
            #expect(response.mediaType == "application/json")
            #expect(response.setCookies.isEmpty)
            let body = try response.json()
            #expect(body.keys == ["access_token", "token_type", "expires_in", "refresh_token", "refresh_expires_in", "session"])
            #expect(body["token_type"]?.string == "Bearer")
            #expect(body["expires_in"]?.int == 300)
            #expect(body["refresh_expires_in"]?.int == 1_209_600)
            #expect(body["session"]?.keys == ["id", "created_at"])
            #expect(UUID(uuidString: body["session"]?["id"]?.string ?? "") != nil)
            #expect(ISO8601DateFormatter().date(from: body["session"]?["created_at"]?.string ?? "") != nil)
            #expect(!response.text.contains(user.password))
        }
    }

    /// The access token has the header `{alg: EdDSA, typ: at+jwt, kid}` and exactly the claims
    /// iss, aud (an array), sub, sid, jti, iat, nbf, exp as whole numbers; no csrf, no e-mail.
    @Test func accessTokenHasExactlyTheContractClaims() async throws {
        try await TestApp.run { api in
            let user = TestUser.unique("claims")
            let signUp = try await api.signUp(email: user.email, password: user.password)
            let accountID = try #require(try signUp.json()["id"]?.string)
            let session = try await api.bearerSession(user)
            #expect(session.accessToken.utf8.count < 1024)
            let jwt = try DecodedJWT(session.accessToken)
            #expect(jwt.header.keys == ["alg", "typ", "kid"])
            #expect(jwt.header["alg"]?.string == "EdDSA")
            #expect(jwt.header["typ"]?.string == "at+jwt")
            #expect(jwt.header["kid"]?.string?.isEmpty == false)
            #expect(jwt.claims.keys == ["iss", "aud", "sub", "sid", "jti", "iat", "nbf", "exp", "client_id"])
            #expect(jwt.claims["client_id"]?.string == "native")
            #expect(jwt.claims["iss"]?.string == "latchkey")
            #expect(jwt.claims["aud"] == .array([.string("notes"), .string("profile")]))
            #expect(jwt.claims["sub"]?.string == accountID)
            #expect(jwt.claims["sid"]?.string == session.sessionID)
            #expect(UUID(uuidString: jwt.claims["jti"]?.string ?? "") != nil)
            let now = api.clock.epochSeconds
            #expect(jwt.claims["iat"]?.int == now)
            #expect(jwt.claims["nbf"]?.int == now)
            #expect(jwt.claims["exp"]?.int == now + 300)
            for claim in ["iat", "nbf", "exp"] {
                #expect(jwt.claimsText.range(of: #""\#(claim)":[0-9]+[,}]"#, options: .regularExpression) != nil, "\(claim) is an integer")
            }
            #expect(!jwt.claimsText.contains(user.email))
        }
    }

    /// The refresh token is opaque (not a JWT), base64url, at least 256 bits, and new for every login.
    @Test func refreshTokenIsOpaqueAndLong() async throws {
        try await TestApp.run { api in
            let user = try await api.newUser("opaque")
            let first = try await api.bearerSession(user)
            let second = try await api.bearerSession(user)
            for token in [first.refreshToken, second.refreshToken] {
                #expect(token.count >= 43)
                #expect(token.allSatisfy { Base64URLText.alphabet.contains($0) })
                #expect(!token.contains("."))
                #expect(!DecodedJWT.isJWT(token))
            }
            #expect(first.refreshToken != second.refreshToken)
            #expect(first.sessionID != second.sessionID)
        }
    }

    /// A wrong password and an unknown e-mail get the identical 401 `invalid-credentials` body,
    /// with no challenge header and no echo of what was sent.
    @Test func wrongPasswordAndUnknownEmailAnswerAlike() async throws {
        try await TestApp.run { api in
            let user = try await api.newUser("alike")
            let wrongPassword = try await api.logIn(email: user.email, password: "wrong password 1")
            let unknownEmail = try await api.logIn(email: TestUser.unique("nobody").email, password: "wrong password 1")
            for response in [wrongPassword, unknownEmail] {
                expectProblem(response, .invalidCredentials)
                #expect(response.headers[.wwwAuthenticate] == nil)
                #expect(!response.text.contains("wrong password 1"))
                #expect(response.setCookies.isEmpty)
            }
            #expect(wrongPassword.text == unknownEmail.text)
        }
    }

    /// An unknown e-mail pays a bcrypt verification too, so it cannot be told from a wrong password by its
    /// time. At cost 10 a verification is tens of milliseconds, the rest of a login about one: without the
    /// dummy hash the unknown e-mail would answer some thirty times faster, far below the bound here, which
    /// is loose enough for a busy machine (the medians of a few attempts each, taken in turns).
    @Test func unknownEmailTakesAboutAsLongAsAWrongPassword() async throws {
        try await TestApp.run(["BCRYPT_COST": "10"]) { api in
            let user = try await api.newUser("timing")
            let clock = ContinuousClock()
            var wrongPassword: [Duration] = []
            var unknownEmail: [Duration] = []
            // Four of each: under the per-e-mail limit of five failures.
            for attempt in 0..<4 {
                let first = clock.now
                expectProblem(try await api.logIn(email: user.email, password: "wrong password \(attempt)"), .invalidCredentials)
                wrongPassword.append(clock.now - first)
                let second = clock.now
                expectProblem(try await api.logIn(email: TestUser.unique("nobody").email, password: "wrong password"), .invalidCredentials)
                unknownEmail.append(clock.now - second)
            }
            let median = { (times: [Duration]) in times.sorted()[times.count / 2] }
            #expect(median(unknownEmail) * 10 >= median(wrongPassword) * 3, "unknown \(unknownEmail), wrong \(wrongPassword)")
        }
    }

    /// Login with missing fields is a 400, not a 401.
    @Test func missingPasswordIsValidationError() async throws {
        try await TestApp.run { api in
            let response = try await api.sendJSON(.post, "/v1/sessions", fields: ["email": TestUser.unique().email])
            ProblemCheck.expectValidationError(response, field: "password")
        }
    }
}
