// swift-tools-version:6.1

import PackageDescription

// A fourth Latchkey service, built the way a package outside this repository would build one: it
// depends on the TokenKit library products and on nothing else of Latchkey (not ServiceSupport,
// the monorepo's own glue). In your own package, replace the path with the repository's URL:
//     .package(url: "https://github.com/OWNER/latchkey.git", from: "0.1.0")
let package = Package(
    name: "bookmarks",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "bookmarks", targets: ["BookmarksServer"])
    ],
    dependencies: [
        // `name:` keeps the products' `package:` below independent of the folder the clone is in.
        .package(name: "latchkey", path: "../.."),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
    ],
    targets: [
        // The service: settings, the TokenKit wiring, the start gate, problem answers, the routes and
        // the bookmarks table.
        .target(
            name: "BookmarksService",
            dependencies: [
                .product(name: "TokenKit", package: "latchkey"),
                .product(name: "TokenKitHummingbird", package: "latchkey"),
                .product(name: "TokenKitClients", package: "latchkey"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The `bookmarks` executable: reads the settings and runs until SIGTERM.
        .executableTarget(
            name: "BookmarksServer",
            dependencies: [
                .byName(name: "BookmarksService"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "BookmarksServiceTests",
            dependencies: [
                .byName(name: "BookmarksService"),
                .product(name: "TokenKitHummingbird", package: "latchkey"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
    ]
)
