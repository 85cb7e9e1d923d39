import Foundation
import Synchronization

/// A tiny cookie jar for cookie mode: keeps `Set-Cookie` name=value with its attributes, drops
/// cookies set with `Max-Age=0`, and sends the cookies whose `Path` covers a request's path.
///
/// The services share one host (127.0.0.1) on different ports, and cookies ignore ports, so one
/// jar serves `auth`, `notes` and `profile` as a browser's would.
final class CookieJar: Sendable {
    /// A stored cookie and the attributes it was set with.
    struct StoredCookie: Sendable {
        let name: String
        let value: String
        let path: String
        let maxAge: Int?
        /// Attribute names in lower case (`httponly`, `secure`), and `samesite` with its value.
        let flags: Set<String>
        let sameSite: String?

        var isHTTPOnly: Bool { self.flags.contains("httponly") }
        var isSecure: Bool { self.flags.contains("secure") }
    }

    private let cookies = Mutex<[String: StoredCookie]>([:])

    init() {}

    /// The stored cookie named `name`.
    subscript(name: String) -> StoredCookie? {
        self.cookies.withLock { $0[name] }
    }

    /// The names of every stored cookie.
    var names: Set<String> {
        self.cookies.withLock { Set($0.keys) }
    }

    /// Stores a cookie directly (to forge or tamper with one).
    func set(_ name: String, _ value: String, path: String = "/") {
        self.cookies.withLock {
            $0[name] = StoredCookie(name: name, value: value, path: path, maxAge: nil, flags: [], sameSite: nil)
        }
    }

    /// Applies every `Set-Cookie` header of `response`.
    func receive(_ response: TestResponse) {
        for header in response.headerValues("Set-Cookie") {
            guard let cookie = Self.parse(header) else { continue }
            self.cookies.withLock { jar in
                if cookie.maxAge.map({ $0 <= 0 }) ?? false {
                    jar[cookie.name] = nil
                } else {
                    jar[cookie.name] = cookie
                }
            }
        }
    }

    /// The `Cookie` header for a request to `path`, or nil when no cookie applies.
    func cookieHeader(forPath path: String) -> String? {
        let applicable = self.cookies.withLock { jar in
            jar.values.filter { Self.path(path, isCoveredBy: $0.path) }.sorted { $0.name < $1.name }
        }
        guard !applicable.isEmpty else { return nil }
        return applicable.map { "\($0.name)=\($0.value)" }.joined(separator: "; ")
    }

    /// Parses one `Set-Cookie` value.
    static func parse(_ header: String) -> StoredCookie? {
        let parts = header.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        guard let first = parts.first, let equals = first.firstIndex(of: "=") else { return nil }
        let name = String(first[..<equals])
        let value = String(first[first.index(after: equals)...])
        var path = "/"
        var maxAge: Int?
        var flags: Set<String> = []
        var sameSite: String?
        for attribute in parts.dropFirst() {
            let pieces = attribute.split(separator: "=", maxSplits: 1).map(String.init)
            let key = pieces[0].lowercased()
            let argument = pieces.count > 1 ? pieces[1] : nil
            switch key {
            case "path": path = argument ?? "/"
            case "max-age": maxAge = argument.flatMap { Int($0) }
            case "samesite": sameSite = argument
            default: flags.insert(key)
            }
        }
        return StoredCookie(name: name, value: value, path: path, maxAge: maxAge, flags: flags, sameSite: sameSite)
    }

    /// RFC 6265 §5.1.4 path matching.
    static func path(_ requestPath: String, isCoveredBy cookiePath: String) -> Bool {
        if requestPath == cookiePath { return true }
        guard requestPath.hasPrefix(cookiePath) else { return false }
        return cookiePath.hasSuffix("/") || requestPath.dropFirst(cookiePath.count).hasPrefix("/")
    }
}
