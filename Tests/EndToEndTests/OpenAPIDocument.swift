import Foundation

/// The operations (method and path) an OpenAPI document under `docs/openapi/` declares, read
/// from its `paths:` section: paths at two spaces of indentation, methods at four.
struct OpenAPIDocument: Sendable {
    /// `"GET /v1/notes/{id}"`-style lines, one per operation.
    let operations: Set<String>

    private static let methods: Set<String> = ["get", "put", "post", "delete", "patch", "head", "options", "trace"]

    /// Reads `docs/openapi/<service>.yaml`.
    static func load(_ service: String) throws -> OpenAPIDocument {
        let url = PackageLocation.root.appendingPathComponent("docs/openapi/\(service).yaml")
        let text = try String(contentsOf: url, encoding: .utf8)
        var operations: Set<String> = []
        var inPaths = false
        var currentPath: String?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if !line.hasPrefix(" "), !line.isEmpty {
                inPaths = line == "paths:"
                continue
            }
            guard inPaths else { continue }
            if line.hasPrefix("  "), !line.hasPrefix("   "), line.hasSuffix(":") {
                currentPath = String(line.dropFirst(2).dropLast())
            } else if line.hasPrefix("    "), !line.hasPrefix("     "), let currentPath {
                let key = line.dropFirst(4).split(separator: ":").first.map(String.init) ?? ""
                if Self.methods.contains(key) {
                    operations.insert("\(key.uppercased()) \(currentPath)")
                }
            }
        }
        return OpenAPIDocument(operations: operations)
    }
}
