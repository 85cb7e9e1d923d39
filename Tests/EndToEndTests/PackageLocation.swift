import Foundation

/// Where the package and its built service executables are, derived from this file's path.
enum PackageLocation {
    /// The package root: this file is `<root>/Tests/EndToEndTests/PackageLocation.swift`.
    static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()
        .deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The folder `swift build` puts debug executables in.
    static var buildFolder: URL {
        root.appendingPathComponent(".build/debug", isDirectory: true)
    }

    /// The path of a built executable; throws a message saying how to build it when it is missing.
    static func executable(named name: String) throws -> URL {
        let url = buildFolder.appendingPathComponent(name)
        guard FileManager.default.isExecutableFile(atPath: url.path) else {
            throw HarnessError(
                "The '\(name)' executable is missing at \(url.path). Build the package first: cd \(root.path) && swift build --build-tests"
            )
        }
        return url
    }
}
