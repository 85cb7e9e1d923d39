import TestSupport
import Testing

extension AttackSuite {
    /// Forged and mangled access tokens against the real JWKS: refused everywhere, with nothing
    /// written and no key fetched from where the token points.
    @Suite("Forged access tokens")
    struct TokenForgeryAttackTests {
        /// Every request a forged token tries, on every service that verifies access tokens.
        static func attempts(on stack: ServiceStack, victim: Victim) -> [(HTTP.Method, String, JSONValue?)] {
            [
                (.get, stack.url(.notes, "/v1/notes"), nil),
                (.get, stack.url(.notes, "/v1/notes/\(victim.noteID)"), nil),
                (.post, stack.url(.notes, "/v1/notes"), ["title": "forged", "body": "x"]),
                (.patch, stack.url(.notes, "/v1/notes/\(victim.noteID)"), ["title": "forged"]),
                (.delete, stack.url(.notes, "/v1/notes/\(victim.noteID)"), nil),
                (.get, stack.url(.profile, "/v1/profile"), nil),
                (.put, stack.url(.profile, "/v1/profile"), ["display_name": "forged", "bio": nil]),
                (.get, stack.url(.auth, "/v1/sessions"), nil),
                (.delete, stack.url(.auth, "/v1/sessions/current"), nil),
                (.delete, stack.url(.auth, "/v1/sessions"), nil),
                (.put, stack.url(.auth, "/v1/accounts/me/password"), ["current_password": "x", "new_password": "forged-password"]),
            ]
        }

        /// The forged token is 401 `token-invalid` (never `token-expired`, never a success) on notes,
        /// profile and auth, with `error="invalid_token"`; nothing is echoed; the victim's rows are
        /// unchanged; nobody connected to the URL in `jku`/`x5u`/`kid`.
        @Test("a forged access token is refused everywhere", arguments: ForgedTokenCase.allCases)
        func forgedToken(_ forgery: ForgedTokenCase) async throws {
            let stack = try CurrentStack.require()
            let victim = try await Victim.create(on: stack)
            let other = try await TestAccount.create(on: stack, label: "other")
            let published = try await PublishedKeys.fetch(from: stack)
            let canary = try CanaryListener()
            let claims = try TokenClaims.payload(of: victim.session.accessToken)
            let material = ForgedTokenCase.Material(
                published: try #require(published.keys.first),
                genuine: victim.session.accessToken,
                subject: try #require(claims["sub"]?.string),
                session: try #require(claims["sid"]?.string),
                otherSubject: other.id,
                forge: TokenForge(),
                canaryURL: canary.url("/.well-known/jwks.json")
            )
            let token = forgery.token(material)
            let before = try await victim.snapshot(on: stack)

            for (method, url, body) in Self.attempts(on: stack, victim: victim) {
                let response = try await HTTP.send(method, url, bearer: token, json: body)
                ResponseHygiene.expectProblem(response, status: 401, type: "token-invalid", secrets: victim.secrets + [token])
                let challenge = response.header("WWW-Authenticate") ?? ""
                #expect(challenge.contains(#"error="invalid_token""#), "\(method.rawValue) \(url): WWW-Authenticate '\(challenge)'")
                #expect(!challenge.contains("expired"), "a forged token must not be reported as expired")
            }

            #expect(try await victim.snapshot(on: stack) == before, "a forged token changed the victim's data")
            #expect(canary.connectionsSoFar() == 0, "a service fetched a key from where the forged token pointed")
            let genuine = try await HTTP.send(.get, stack.url(.notes, "/v1/notes/\(victim.noteID)"), bearer: victim.session.accessToken)
            #expect(genuine.status == 200, "the victim's own token stopped working")
        }

        /// Tokens too large for any real use (8 KiB, 64 KiB) are refused as invalid, or by the HTTP
        /// layer with a 4xx: never a 5xx, never a hang.
        @Test("oversized tokens are refused without a server error", arguments: [8 * 1024, 64 * 1024])
        func oversizedToken(size: Int) async throws {
            let stack = try CurrentStack.require()
            let victim = try await Victim.create(on: stack)
            let segments = victim.session.accessToken.split(separator: ".").map(String.init)
            let padding = String(repeating: "A", count: size)
            let token = segments[0] + "." + segments[1] + padding + "." + segments[2]
            for service in [ServiceKind.notes, .profile] {
                let path = service == .notes ? "/v1/notes" : "/v1/profile"
                let answer = try await RawHTTP.send(
                    port: stack.port(service),
                    request: RawHTTP.request("GET", target: Array(path.utf8), headers: [("Authorization", "Bearer \(token)")])
                )
                let status = try #require(answer.status, "\(service.rawValue) gave no HTTP answer to a \(size)-byte token")
                #expect((400..<500).contains(status), "\(service.rawValue): \(status) for a \(size)-byte token")
                if let response = answer.response, status == 401 {
                    ResponseHygiene.expectProblem(response, status: 401, type: "token-invalid", secrets: [token])
                }
            }
            let list = try await HTTP.send(.get, stack.url(.auth, "/v1/sessions"), bearer: token)
            ResponseHygiene.expectClean(list, secrets: [token])
            #expect((400..<500).contains(list.status))
        }
    }
}
