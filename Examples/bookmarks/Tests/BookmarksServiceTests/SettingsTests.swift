import BookmarksService
import Testing

@Suite struct SettingsTests {
    static let required = [
        "DATABASE_URL": "postgres://bookmarks:secret@127.0.0.1:5432/bookmarks",
        "INTROSPECTION_CLIENT_ID": "bookmarks",
        "INTROSPECTION_CLIENT_SECRET": "s3cret",
    ]

    @Test func defaults() throws {
        let settings = try Settings(environment: Self.required)
        #expect(settings.host == "127.0.0.1")
        #expect(settings.port == 8084)
        #expect(settings.serviceName == "bookmarks")
        #expect(settings.issuer == "latchkey")
        #expect(settings.authURL == "http://127.0.0.1:8081")
        #expect(settings.introspectionTimeout == .milliseconds(2000))
        #expect(settings.cookieSecure)
        #expect(settings.database.database == "bookmarks")
        #expect(settings.database.password == "secret")
        #expect(!settings.database.tls)
    }

    @Test func overrides() throws {
        var environment = Self.required
        environment["PORT"] = "9000"
        environment["SERVICE_NAME"] = "stranger"
        environment["AUTH_URL"] = "http://127.0.0.1:8091"
        environment["INTROSPECTION_TIMEOUT_MS"] = "500"
        environment["COOKIE_SECURE"] = "false"
        environment["DATABASE_URL"] = "postgresql://u%40x:p%2Fw@db.example:6543/bm?sslmode=verify-full"
        let settings = try Settings(environment: environment)
        #expect(settings.port == 9000)
        #expect(settings.serviceName == "stranger")
        #expect(settings.authURL == "http://127.0.0.1:8091")
        #expect(settings.introspectionTimeout == .milliseconds(500))
        #expect(!settings.cookieSecure)
        #expect(settings.database == (try DatabaseSettings(url: "postgresql://u%40x:p%2Fw@db.example:6543/bm?sslmode=verify-full")))
        #expect(settings.database.username == "u@x")
        #expect(settings.database.password == "p/w")
        #expect(settings.database.port == 6543)
        #expect(settings.database.tls)
    }

    @Test(arguments: ["DATABASE_URL", "INTROSPECTION_CLIENT_ID", "INTROSPECTION_CLIENT_SECRET"])
    func aMissingRequiredSettingIsNamed(name: String) {
        var environment = Self.required
        environment[name] = ""
        #expect(throws: SettingsError(name: name, reason: "is required but not set")) { try Settings(environment: environment) }
    }

    @Test(arguments: [
        ("PORT", "0"), ("PORT", "http"), ("INTROSPECTION_TIMEOUT_MS", "5"), ("COOKIE_SECURE", "maybe"), ("AUTH_URL", "auth:8081"),
        ("LOG_LEVEL", "loud"), ("DATABASE_URL", "mysql://u@h/db"), ("DATABASE_URL", "postgres://u@h"),
        ("DATABASE_URL", "postgres://u@h/db?sslmode=prefer"),
    ])
    func aBadValueIsNamedWithoutEchoingIt(name: String, value: String) {
        var environment = Self.required
        environment[name] = value
        let error = #expect(throws: SettingsError.self) { try Settings(environment: environment) }
        #expect(error?.name == name)
        #expect(error.map { !$0.description.contains(value) } ?? false)
    }
}
