import Foundation
import TestSupport
import Testing

extension AttackSuite {
    /// Hostile input on every endpoint: malformed bodies, hostile query strings, traversal in ids,
    /// mangled headers. Never a 5xx, never an echo of a secret or of internals, never a change.
    @Suite("Hostile input")
    struct InputAttackTests {
        /// An endpoint that reads a JSON body.
        enum JSONEndpoint: String, CaseIterable, Sendable {
            case signUp, login, refresh, passwordChange, createNote, updateNote, replaceProfile
        }

        /// A client address of its own for each request to auth, so that this suite's failed logins
        /// never reach the per-address limit (auth trusts `X-Forwarded-For` from loopback).
        static func clientAddress() -> [String: String] {
            ["X-Forwarded-For": "198.51.100.\(Int.random(in: 1...254))"]
        }

        /// Every hostile body on every JSON endpoint: 400, 401, 413 or 415 with a matching problem
        /// type, no leak, nothing changed for the victim (and no account made by a sign-up).
        @Test("hostile bodies on every JSON endpoint", arguments: HostileBody.allCases)
        func hostileBody(_ hostile: HostileBody) async throws {
            let stack = try CurrentStack.require()
            let victim = try await Victim.create(on: stack)
            let before = try await victim.snapshot(on: stack)
            let accountsBefore = try await stack.databaseServer.query(
                "SELECT count(*) FROM accounts WHERE email NOT LIKE '%@e2e.example'",
                database: stack.databaseName(.auth)
            )
            for endpoint in JSONEndpoint.allCases {
                let (method, url, bearer): (HTTP.Method, String, String?) =
                    switch endpoint {
                    case .signUp: (.post, stack.url(.auth, "/v1/accounts"), nil)
                    case .login: (.post, stack.url(.auth, "/v1/sessions"), nil)
                    case .refresh: (.post, stack.url(.auth, "/v1/sessions/refresh"), nil)
                    case .passwordChange: (.put, stack.url(.auth, "/v1/accounts/me/password"), victim.session.accessToken)
                    case .createNote: (.post, stack.url(.notes, "/v1/notes"), victim.session.accessToken)
                    case .updateNote: (.patch, stack.url(.notes, "/v1/notes/\(victim.noteID)"), victim.session.accessToken)
                    case .replaceProfile: (.put, stack.url(.profile, "/v1/profile"), victim.session.accessToken)
                    }
                let response = try await HTTP.send(
                    method,
                    url,
                    bearer: bearer,
                    headers: Self.clientAddress(),
                    body: Data(hostile.bytes),
                    contentType: hostile.contentType
                )
                ResponseHygiene.expectClean(response, secrets: victim.secrets)
                let expected: [Int: String] = [
                    400: "validation-failed", 401: endpoint == .refresh ? "refresh-token-invalid" : "invalid-credentials",
                    413: "payload-too-large", 415: "unsupported-media-type",
                ]
                let type = try? response.json()["type"]?.string
                #expect(
                    expected[response.status].map { ProblemCheck.typePrefix + $0 } == type,
                    "\(endpoint) with \(hostile): HTTP \(response.status) \(response.text.prefix(200))"
                )
                #expect(response.header("Content-Type")?.hasPrefix("application/problem+json") == true)
            }
            #expect(try await victim.snapshot(on: stack) == before, "a hostile body changed the victim's data")
            let accountsAfter = try await stack.databaseServer.query(
                "SELECT count(*) FROM accounts WHERE email NOT LIKE '%@e2e.example'",
                database: stack.databaseName(.auth)
            )
            #expect(accountsAfter == accountsBefore, "a hostile sign-up created an account")
        }

        /// Regression: an e-mail with a NUL character reached PostgreSQL (which cannot store it) and
        /// answered 500 on sign-up and login. Now both refuse it with 400 `validation-failed`.
        @Test("a NUL in an e-mail is a 400, not a server error", arguments: ["a\u{0}b@e2e.example", "\u{0}", "x@e2e.example\u{0}"])
        func nulInEmail(email: String) async throws {
            let stack = try CurrentStack.require()
            for path in ["/v1/accounts", "/v1/sessions"] {
                let response = try await HTTP.send(
                    .post,
                    stack.url(.auth, path),
                    headers: Self.clientAddress(),
                    json: ["email": .string(email), "password": "long-enough-password"]
                )
                ResponseHygiene.expectProblem(response, status: 400, type: "validation-failed")
                #expect(try response.json()["errors"]?[0]?["field"] == "email", "\(path): \(response.text.prefix(200))")
            }
        }

        /// Query strings the API did not make: 400 `validation-failed` (or 401 for bad internal credentials).
        @Test(
            "hostile query strings",
            arguments: [
                "/v1/notes?limit=1;DROP%20TABLE%20notes", "/v1/notes?limit=-1", "/v1/notes?limit=99999999999999999999", "/v1/notes?limit=1e2",
                "/v1/notes?cursor=%27%20OR%201%3D1%20--", "/v1/notes?cursor=bjA", "/v1/notes?cursor=bi05", "/v1/notes?cursor=%00",
                "/v1/notes?cursor=\(String(repeating: "A", count: 4000))", "/v1/notes?limit=%ff%fe",
            ]
        )
        func hostileQuery(path: String) async throws {
            let stack = try CurrentStack.require()
            let victim = try await Victim.create(on: stack)
            let response = try await HTTP.send(.get, stack.url(.notes, path), bearer: victim.session.accessToken)
            ResponseHygiene.expectProblem(response, status: 400, type: "validation-failed", secrets: victim.secrets)
        }

        /// `keep_current` other than true/false is 400 and revokes nothing.
        @Test("hostile keep_current revokes nothing", arguments: ["true'--", "1", "TRUE", "%00", "true&keep_current=false"])
        func hostileKeepCurrent(value: String) async throws {
            let stack = try CurrentStack.require()
            let victim = try await Victim.create(on: stack)
            let before = try await victim.snapshot(on: stack)
            let response = try await HTTP.send(.delete, stack.url(.auth, "/v1/sessions?keep_current=\(value)"), bearer: victim.session.accessToken)
            if value == "true&keep_current=false" {
                ResponseHygiene.expectClean(response, secrets: victim.secrets)
                #expect(response.status == 204 || response.status == 400)
            } else {
                ResponseHygiene.expectProblem(response, status: 400, type: "validation-failed", secrets: victim.secrets)
                #expect(try await victim.snapshot(on: stack) == before)
            }
        }

        /// Traversal and encoding tricks in ids, sent byte for byte: A's token never reaches B's note
        /// (GET, PATCH, DELETE) and never another route; always 400 or 404 (or A's own list for a
        /// path that is really `/v1/notes`), never a 5xx. B's data is unchanged.
        @Test("path traversal in ids")
        func pathTraversal() async throws {
            let stack = try CurrentStack.require()
            let alice = try await Victim.create(on: stack, label: "alice")
            let bob = try await Victim.create(on: stack, label: "bob")
            let bobBefore = try await bob.snapshot(on: stack)
            let aliceBefore = try await alice.snapshot(on: stack)
            let a = alice.noteID
            let b = bob.noteID
            let targets: [[UInt8]] =
                [
                    "/v1/notes/../notes/\(b)", "/v1/notes/\(a)/../\(b)", "/v1/notes/..%2f\(b)", "/v1/notes/%2e%2e%2f\(b)", "/v1/notes/%2e%2e/\(b)",
                    "/v1/notes/\(a)%2f..%2f\(b)", "/v1/notes/..", "/v1/notes/%2e%2e", "/v1/notes/.%2e/.%2e/profile", "/v1/notes/..%5c..%5cprofile",
                    "/v1/notes/\(b)%00", "/v1/notes/\(b)%20", "/v1/notes/%7B\(b)%7D", "/v1/notes/\(b.uppercased())x", "/v1/notes/\(b);\(a)",
                    "/v1/notes/\(b)?id=\(a)", "/v1/notes/..;/\(b)", "//v1/notes/\(b)", "/v1/notes//\(b)", "/v1/notes/%252e%252e%252f\(b)",
                    "/v1/notes/\(a)/..%2f..%2f..%2finternal%2fv1%2fintrospect", "/v1/notes/%ff%fe", "/v1/notes/%c0%ae%c0%ae%c0%af\(b)",
                ].map { Array($0.utf8) } + [Array("/v1/notes/".utf8) + [0xFF, 0xFE, 0xC0, 0xAF], Array("/v1/notes/\(b)".utf8) + [0x00]]
            for target in targets {
                for method in ["GET", "PATCH", "DELETE"] {
                    let body: [UInt8] = method == "PATCH" ? Array(#"{"title":"traversed"}"#.utf8) : []
                    var headers = [("Authorization", "Bearer \(alice.session.accessToken)")]
                    if method == "PATCH" { headers += [("Content-Type", "application/json"), ("If-Match", "*")] }
                    let answer = try await RawHTTP.send(
                        port: stack.port(.notes),
                        request: RawHTTP.request(method, target: target, headers: headers, body: body)
                    )
                    let shown = String(decoding: target, as: UTF8.self)
                    guard let status = answer.status else {
                        // The HTTP parser may drop a request it cannot parse at all (e.g. a NUL byte): no answer, no harm.
                        #expect(answer.bytes.isEmpty, "\(method) \(shown): not HTTP: \(answer.text.prefix(200))")
                        continue
                    }
                    #expect([400, 404, 405].contains(status), "\(method) \(shown): HTTP \(status) \(answer.text.suffix(200))")
                    #expect(!answer.text.contains("alice was here") && !answer.text.contains("of bob"), "\(method) \(shown) reached B's note")
                    if let response = answer.response {
                        ResponseHygiene.expectClean(response, secrets: alice.secrets + bob.secrets)
                    }
                }
            }
            #expect(try await bob.snapshot(on: stack) == bobBefore, "a traversal reached B's data")
            #expect(try await alice.snapshot(on: stack) == aliceBefore, "a traversal changed A's data")
            let revoke = try await HTTP.send(.delete, stack.url(.auth, "/v1/sessions/..%2fcurrent"), bearer: alice.session.accessToken)
            ResponseHygiene.expectProblem(revoke, status: 404, type: "not-found", secrets: alice.secrets)
            #expect(try await alice.snapshot(on: stack) == aliceBefore, "a traversal in a session id logged A out")
        }

        /// Mangled headers, byte for byte: invalid UTF-8 and other schemes in `Authorization`, a
        /// 100 KB header, many cookies, hostile `X-Forwarded-For` and `Token-Transport`. A 4xx or a
        /// closed connection, never a 5xx.
        @Test("mangled headers")
        func mangledHeaders() async throws {
            let stack = try CurrentStack.require()
            let victim = try await Victim.create(on: stack)
            let before = try await victim.snapshot(on: stack)
            let bad: [(ServiceKind, String, String, [(String, [UInt8])])] = [
                (.notes, "GET", "/v1/notes", [("Authorization", Array("Bearer ".utf8) + [0xFF, 0xFE, 0x80] + Array(".e30.x".utf8))]),
                (.notes, "GET", "/v1/notes", [("Authorization", Array("Basic YWxpY2U6c2VjcmV0".utf8))]),
                (.notes, "GET", "/v1/notes", [("Authorization", Array("Bearer".utf8))]),
                (.notes, "GET", "/v1/notes", [("Authorization", Array("Bearer \(String(repeating: "a", count: 100_000))".utf8))]),
                (.notes, "GET", "/v1/notes", [("Cookie", Array((0..<1000).map { "c\($0)=v" }.joined(separator: "; ").utf8))]),
                (.profile, "GET", "/v1/profile", [("Cookie", Array("access_token=".utf8) + [0xFF, 0xFE])]),
                (
                    .auth, "GET", "/v1/sessions",
                    [("Authorization", Array("Bearer x".utf8)), ("Authorization", Array("Bearer \(victim.session.accessToken)".utf8))]
                ),
                (
                    .auth, "POST", "/v1/sessions",
                    [("X-Forwarded-For", Array("not-an-ip, ' OR 1=1 --, 999.1.1.1".utf8)), ("Content-Type", Array("application/json".utf8))]
                ),
                (.auth, "POST", "/v1/sessions", [("Token-Transport", Array("cookie; drop".utf8)), ("Content-Type", Array("application/json".utf8))]),
                (
                    .auth, "POST", "/v1/sessions",
                    [("User-Agent", Array(repeating: UInt8(ascii: "u"), count: 50_000) + [0xFF]), ("Content-Type", Array("application/json".utf8))]
                ),
                (.auth, "POST", "/internal/v1/introspect", [("Authorization", Array("Basic ".utf8) + [0xFF, 0xFE])]),
                (.auth, "GET", "/internal/v1/revocations?after=0%20OR%201=1", [("Authorization", Array("Basic bm90ZXM6d3Jvbmc=".utf8))]),
            ]
            let loginBody = Array(#"{"email":"nobody@e2e.example","password":"wrong-password"}"#.utf8)
            for (service, method, path, headers) in bad {
                var request = Array("\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n".utf8)
                for (name, value) in headers {
                    request += Array("\(name): ".utf8) + value + Array("\r\n".utf8)
                }
                let body = method == "POST" ? loginBody : []
                request += Array("Content-Length: \(body.count)\r\n\r\n".utf8) + body
                let answer = try await RawHTTP.send(port: stack.port(service), request: request)
                guard let status = answer.status else {
                    #expect(answer.bytes.isEmpty, "\(method) \(path): not HTTP")
                    continue
                }
                #expect((400..<500).contains(status), "\(service.rawValue) \(method) \(path): HTTP \(status) \(answer.text.suffix(200))")
                if let response = answer.response {
                    ResponseHygiene.expectClean(response, secrets: victim.secrets)
                }
            }
            #expect(try await victim.snapshot(on: stack) == before)
            #expect(try await HTTP.send(.get, stack.url(.notes, "/v1/notes"), bearer: victim.session.accessToken).status == 200)
        }
    }
}
