import ServiceSupport
import TestSupport
import Testing

/// `ResourceServiceSettings(environment:…)`, the settings of notes and profile: the contract's defaults, and
/// a `SettingsError` naming each bad variable. (Here rather than in a target of their own: this target already
/// links ServiceSupport, and these are plain values, no server.)
@Suite struct ResourceSettingsTests {
    static let minimal = [
        "DATABASE_URL": "postgres://latchkey@127.0.0.1:5432/notes",
        "INTROSPECTION_CLIENT_ID": "notes",
        "INTROSPECTION_CLIENT_SECRET": "s3cret",
    ]

    /// With only the required variables, every setting has the contract's default.
    @Test(arguments: [(8082, "notes"), (8083, "profile")])
    func defaultsMatchTheContract(port: Int, service: String) throws {
        let settings = try ResourceServiceSettings(environment: Self.minimal, defaultPort: port, defaultServiceName: service)
        #expect(settings.common.host == "127.0.0.1")
        #expect(settings.common.port == port)
        #expect(settings.common.issuer == "latchkey")
        #expect(settings.common.cookieSecure == true)
        #expect(settings.serviceName == service)
        #expect(settings.authURL == "http://127.0.0.1:8081")
        #expect(settings.introspectionTimeoutMilliseconds == 2000)
        #expect(settings.introspectionClientID == "notes")
        #expect(settings.introspectionClientSecret == "s3cret")
    }

    /// A missing required variable, or a bad one, stops the start with an error naming it.
    @Test(
        arguments: [
            ("INTROSPECTION_CLIENT_ID", nil), ("INTROSPECTION_CLIENT_SECRET", nil), ("DATABASE_URL", nil),
            ("AUTH_URL", "ftp://auth"), ("INTROSPECTION_TIMEOUT_MS", "0"), ("INTROSPECTION_TIMEOUT_MS", "soon"),
        ] as [(String, String?)]
    )
    func badSettingIsNamed(variable: String, value: String?) {
        var environment = Self.minimal
        environment[variable] = value
        do {
            _ = try ResourceServiceSettings(environment: environment, defaultPort: 8082, defaultServiceName: "notes")
            Issue.record("\(variable)=\(value ?? "(missing)") was accepted")
        } catch let error as SettingsError {
            #expect(error.name == variable)
            #expect(error.description.contains(variable))
        } catch {
            Issue.record("not a SettingsError: \(error)")
        }
    }
}
