// swift-tools-version:6.1

import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "latchkey",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "auth", targets: ["AuthServer"]),
        .executable(name: "notes", targets: ["NotesServer"]),
        .executable(name: "profile", targets: ["ProfileServer"]),
        // The libraries another service depends on to verify tokens and follow the revocation feed.
        .library(name: "TokenKit", targets: ["TokenKit"]),
        .library(name: "TokenKitHummingbird", targets: ["TokenKitHummingbird"]),
        .library(name: "TokenKitClients", targets: ["TokenKitClients"]),
        // Benchmarks only (`make bench`); never deployed.
        .executable(name: "latchkey-bench-server", targets: ["LatchkeyBenchServer"]),
        .executable(name: "latchkey-bench", targets: ["LatchkeyBench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.8.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        // Tracing over OTLP/HTTP with protobuf only: the gRPC exporter (and its dependencies) stay out.
        .package(url: "https://github.com/swift-otel/swift-otel.git", from: "1.6.0", traits: ["OTLPHTTP"]),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/swiftlang/swift-docc-plugin.git", from: "1.5.0"),
    ],
    targets: [
        // Tokens without a web framework: claims, the signer, the strict verifier, the verified-token
        // cache, JWKS types, the revoked-session set (swift-crypto and jwt-kit only).
        .target(
            name: "TokenKit",
            dependencies: [
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: "Shared/TokenKit",
            swiftSettings: swiftSettings
        ),
        // TokenKit in Hummingbird: the authenticator (bearer and cookie), the two trust levels as
        // request contexts and router groups, the CSRF rule, the refusals as problem+json.
        .target(
            name: "TokenKitHummingbird",
            dependencies: [
                .byName(name: "TokenKit"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdAuth", package: "hummingbird-auth"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            path: "Shared/TokenKitHummingbird",
            swiftSettings: swiftSettings
        ),
        // What a resource service asks auth: the JWKS cache, introspection, the revocation feed.
        .target(
            name: "TokenKitClients",
            dependencies: [
                .byName(name: "TokenKit"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            path: "Shared/TokenKitClients",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "ServiceSupport",
            dependencies: [
                .byName(name: "TokenKit"),
                .byName(name: "TokenKitHummingbird"),
                .byName(name: "TokenKitClients"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "OTel", package: "swift-otel"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            path: "Shared/ServiceSupport",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "AuthService",
            dependencies: [
                .byName(name: "TokenKit"),
                .byName(name: "TokenKitHummingbird"),
                .byName(name: "TokenKitClients"),
                .byName(name: "ServiceSupport"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdAuth", package: "hummingbird-auth"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Services/Auth/AuthService",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "AuthServer",
            dependencies: [
                .byName(name: "AuthService"),
                .byName(name: "ServiceSupport"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Services/Auth/AuthServer",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "NotesService",
            dependencies: [
                .byName(name: "TokenKit"),
                .byName(name: "TokenKitHummingbird"),
                .byName(name: "TokenKitClients"),
                .byName(name: "ServiceSupport"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            path: "Services/Notes/NotesService",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "NotesServer",
            dependencies: [.byName(name: "NotesService"), .byName(name: "ServiceSupport"), .product(name: "Hummingbird", package: "hummingbird")],
            path: "Services/Notes/NotesServer",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "ProfileService",
            dependencies: [
                .byName(name: "TokenKit"),
                .byName(name: "TokenKitHummingbird"),
                .byName(name: "TokenKitClients"),
                .byName(name: "ServiceSupport"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            path: "Services/Profile/ProfileService",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "ProfileServer",
            dependencies: [.byName(name: "ProfileService"), .byName(name: "ServiceSupport"), .product(name: "Hummingbird", package: "hummingbird")],
            path: "Services/Profile/ProfileServer",
            swiftSettings: swiftSettings
        ),
        // The notes routes composed with other authenticators, for side-by-side benchmarks (`make bench`).
        .executableTarget(
            name: "LatchkeyBenchServer",
            dependencies: [
                .byName(name: "NotesService"),
                .byName(name: "ServiceSupport"),
                .byName(name: "TokenKit"),
                .byName(name: "TokenKitHummingbird"),
                .byName(name: "TokenKitClients"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdAuth", package: "hummingbird-auth"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            path: "Benchmarks/BenchServer",
            swiftSettings: swiftSettings
        ),
        // The in-process verification benchmark, the stack seeding and drivers, and the report of `make bench`.
        .executableTarget(
            name: "LatchkeyBench",
            dependencies: [
                .byName(name: "TokenKit"),
                .byName(name: "TokenKitHummingbird"),
                .byName(name: "TokenKitClients"),
                .byName(name: "ServiceSupport"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Benchmarks/Bench",
            swiftSettings: swiftSettings
        ),
        // Shared test helpers (JSON values, problem checks, the token forge, a clock, free ports,
        // throwaway databases, a stand-in auth), used by every test target; never shipped.
        .target(
            name: "TestSupport",
            dependencies: [
                .byName(name: "TokenKit"),
                .byName(name: "ServiceSupport"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/Support",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "TokenKitTests",
            dependencies: [
                .byName(name: "TokenKit"),
                .byName(name: "TokenKitHummingbird"),
                .byName(name: "TokenKitClients"),
                // The problem catalogue, to name the problem types the refusals must carry.
                .byName(name: "ServiceSupport"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .byName(name: "TestSupport"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "EndToEndTests",
            dependencies: [
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                // In-process routers, to check docs/openapi/ against the routes (OpenAPIRouteTests).
                .byName(name: "AuthService"),
                .byName(name: "NotesService"),
                .byName(name: "ProfileService"),
                .byName(name: "ServiceSupport"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .byName(name: "TestSupport"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "AuthServiceTests",
            dependencies: [
                .byName(name: "AuthService"),
                .byName(name: "TokenKit"),
                .byName(name: "TokenKitHummingbird"),
                .byName(name: "TokenKitClients"),
                .byName(name: "ServiceSupport"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .byName(name: "TestSupport"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "NotesServiceTests",
            dependencies: [
                .byName(name: "NotesService"),
                .byName(name: "TestSupport"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ProfileServiceTests",
            dependencies: [
                .byName(name: "ProfileService"),
                .byName(name: "TestSupport"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
