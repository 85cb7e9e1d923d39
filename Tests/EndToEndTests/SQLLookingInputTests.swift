import Crypto
import Foundation
import TestSupport
import Testing

extension AttackSuite {
    /// SQL-looking and otherwise tricky text: where it is valid data it is stored and returned
    /// verbatim; where it is not, it is a 400 or 401; the tables are all still there.
    @Suite("SQL-looking input")
    struct SQLLookingInputTests {
        static let injection = "'; DROP TABLE notes; --"

        /// Tricky but valid text, stored and returned byte for byte.
        static let trickyTexts = [
            injection, #"Robert'); DROP TABLE accounts;--"#, #"" OR ""=""#, "1; SELECT pg_sleep(10); --", "$1 $$ $tag$ \\x00 \\'",
            "%s %n %x {0} ${jndi:ldap://127.0.0.1/a}", "<script>alert(1)</script>", "\u{202E}gnirts desrever", "e\u{301}\u{1F9D1}\u{200D}\u{1F4BB}",
            "line\nbreak\r\n\ttab", "\u{FEFF}bom", String(repeating: "'", count: 200),
        ]

        /// The MD5 (hex) of `text`'s UTF-8, to compare with what the database holds.
        static func md5(_ text: String) -> String {
            Insecure.MD5.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
        }

        /// Tables every service must still have.
        static func expectTablesIntact(on stack: ServiceStack) async throws {
            let checks: [(ServiceKind, [String])] = [
                (.auth, ["accounts", "sessions", "signing_keys", "login_failures", "revocations"]), (.notes, ["notes"]), (.profile, ["profiles"]),
            ]
            for (service, tables) in checks {
                for table in tables {
                    let exists = try await stack.databaseServer.query(
                        "SELECT to_regclass('public.\(table)') IS NOT NULL",
                        database: stack.databaseName(service)
                    )
                    #expect(exists == [["t"]], "table \(table) of \(service.rawValue) is gone")
                }
            }
        }

        /// Note titles and bodies, display names and bios of SQL and other tricky text: 201/200,
        /// read back verbatim over the API and stored verbatim in the database.
        @Test("tricky text is stored verbatim", arguments: trickyTexts)
        func storedVerbatim(text: String) async throws {
            let stack = try CurrentStack.require()
            let session = try await TestAccount.create(on: stack).login(on: stack)
            let created = try await HTTP.send(
                .post,
                stack.url(.notes, "/v1/notes"),
                bearer: session.accessToken,
                json: ["title": .string(String(text.prefix(200))), "body": .string(text)]
            )
            #expect(created.status == 201, "\(created.text.prefix(300))")
            let id = try #require(try created.json()["id"]?.string)
            let fetched = try await HTTP.send(.get, stack.url(.notes, "/v1/notes/\(id)"), bearer: session.accessToken).json()
            #expect(fetched["title"]?.string == String(text.prefix(200)))
            #expect(fetched["body"]?.string == text)
            let stored = try await stack.databaseServer.query(
                "SELECT md5(body) FROM notes WHERE id = \(try UserSnapshot.uuidLiteral(id))",
                database: stack.databaseName(.notes)
            )
            #expect(stored == [[Self.md5(text)]], "the database holds something else than was sent")

            let displayName = String(text.prefix(64))
            let put = try await HTTP.send(
                .put,
                stack.url(.profile, "/v1/profile"),
                bearer: session.accessToken,
                json: ["display_name": .string(displayName), "bio": .string(text)]
            )
            #expect(put.status == 200)
            let profile = try await HTTP.send(.get, stack.url(.profile, "/v1/profile"), bearer: session.accessToken).json()
            #expect(profile["display_name"]?.string == displayName)
            #expect(profile["bio"]?.string == text)
            try await Self.expectTablesIntact(on: stack)
        }

        /// Sign-up with a valid e-mail that is full of quotes, and the injection string as password:
        /// 201, stored verbatim, and login works with exactly those credentials. The injection string
        /// as e-mail is no e-mail: 400. As login e-mail it is just wrong: 401.
        @Test("SQL in e-mail and password")
        func credentials() async throws {
            let stack = try CurrentStack.require()
            let email = "o'brien+'or'1'='1'--\(UUID().uuidString.prefix(8).lowercased())@e2e.example"
            let password = Self.injection
            let signUp = try await HTTP.send(.post, stack.url(.auth, "/v1/accounts"), json: ["email": .string(email), "password": .string(password)])
            #expect(signUp.status == 201, "\(signUp.text.prefix(300))")
            #expect(try signUp.json()["email"]?.string == email)
            let stored = try await stack.databaseServer.query(
                "SELECT md5(email) FROM accounts WHERE md5(email) = '\(Self.md5(email))'",
                database: stack.databaseName(.auth)
            )
            #expect(stored.count == 1, "the e-mail was not stored verbatim")
            let login = try await HTTP.send(.post, stack.url(.auth, "/v1/sessions"), json: ["email": .string(email), "password": .string(password)])
            #expect(login.status == 201)
            let wrong = try await HTTP.send(
                .post,
                stack.url(.auth, "/v1/sessions"),
                headers: InputAttackTests.clientAddress(),
                json: ["email": .string(email), "password": "' OR '1'='1"]
            )
            ResponseHygiene.expectProblem(wrong, status: 401, type: "invalid-credentials", challenge: false, secrets: [password])

            let badEmail = try await HTTP.send(
                .post,
                stack.url(.auth, "/v1/accounts"),
                json: ["email": .string(Self.injection), "password": "long-enough-password"]
            )
            ResponseHygiene.expectProblem(badEmail, status: 400, type: "validation-failed")
            for hostile in ["' OR '1'='1' --", "\(email)' --", "admin'--@e2e.example", "*"] {
                let attempt = try await HTTP.send(
                    .post,
                    stack.url(.auth, "/v1/sessions"),
                    headers: InputAttackTests.clientAddress(),
                    json: ["email": .string(hostile), "password": .string(password)]
                )
                ResponseHygiene.expectProblem(attempt, status: 401, type: "invalid-credentials", challenge: false, secrets: [password])
            }
            try await Self.expectTablesIntact(on: stack)
        }
    }
}
