import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import PostgresNIO
import Prometheus
import ServiceSupport
import Testing

@testable import AuthService
@testable import NotesService
@testable import ProfileService

/// `docs/openapi/*.yaml` document exactly the routes each service registers: the routers are
/// built in process, as the services build them (nothing connects anywhere), and their route
/// lists (Hummingbird's `Router.routes`) are compared with the documents' operations.
@Suite("OpenAPI documents match the routes")
struct OpenAPIRouteTests {
    /// Settings every in-process build shares (no database is ever contacted).
    static let environment = [
        "DATABASE_URL": "postgres://nobody@127.0.0.1:1/none",
        "AUTH_SECRET_KEY": Data(repeating: 7, count: 32).base64EncodedString(),
        "BCRYPT_COST": "4",
        "INTROSPECTION_CLIENT_ID": "notes",
        "INTROSPECTION_CLIENT_SECRET": "secret",
        "INTROSPECTION_CLIENTS": "notes:secret",
        "AUTH_URL": "http://127.0.0.1:1",
    ]

    static let logger = Logger(label: "openapi-route-test")

    /// The router's operations, as `"METHOD /path"`.
    static func operations(of router: Router<ServiceRequestContext>) -> Set<String> {
        Set(router.routes.map { "\($0.method.rawValue) \($0.path.description)" })
    }

    @Test("auth.yaml documents every route of auth, and no other")
    func auth() async throws {
        // The admin API is routed only when ADMIN_CLIENTS is set: set it, so its paths are compared too.
        let settings = try AuthSettings(environment: Self.environment.merging(["ADMIN_CLIENTS": "operator:admin-secret"]) { $1 })
        let core = try await AuthCore(settings: settings, logger: Self.logger, clock: .system)
        let routers = buildRouters(core: core, registry: PrometheusCollectorRegistry())
        try Self.expectDocumented(routers.public, in: "auth")
    }

    @Test("notes.yaml documents every route of notes, and no other")
    func notes() async throws {
        let foundation = try ResourceServiceFoundation(
            settings: try ResourceServiceSettings(environment: Self.environment, defaultPort: 8082, defaultServiceName: "notes"),
            logger: Self.logger,
            eraseAccountData: NoteRepository.eraseOwner
        )
        let router = foundation.makeRouter(registry: PrometheusCollectorRegistry())
        NotesController(notes: NoteRepository(client: foundation.postgres, logger: Self.logger))
            .addRoutes(reads: foundation.readRoutes(router), writes: foundation.writeRoutes(router))
        try await foundation.httpClient.shutdown()
        try Self.expectDocumented(router, in: "notes")
    }

    @Test("profile.yaml documents every route of profile, and no other")
    func profile() async throws {
        let foundation = try ResourceServiceFoundation(
            settings: try ResourceServiceSettings(environment: Self.environment, defaultPort: 8083, defaultServiceName: "profile"),
            logger: Self.logger,
            eraseAccountData: { _, _ in }
        )
        let router = foundation.makeRouter(registry: PrometheusCollectorRegistry())
        ProfileController(profiles: ProfileRepository(client: foundation.postgres, logger: Self.logger))
            .addRoutes(reads: foundation.readRoutes(router), writes: foundation.writeRoutes(router))
        try await foundation.httpClient.shutdown()
        try Self.expectDocumented(router, in: "profile")
    }

    static func expectDocumented(
        _ router: Router<ServiceRequestContext>,
        in service: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let registered = Self.operations(of: router)
        let documented = try OpenAPIDocument.load(service).operations
        #expect(!registered.isEmpty, sourceLocation: sourceLocation)
        #expect(
            registered.subtracting(documented).isEmpty,
            "registered but not in docs/openapi/\(service).yaml: \(registered.subtracting(documented).sorted())",
            sourceLocation: sourceLocation
        )
        #expect(
            documented.subtracting(registered).isEmpty,
            "in docs/openapi/\(service).yaml but not registered: \(documented.subtracting(registered).sorted())",
            sourceLocation: sourceLocation
        )
    }
}
