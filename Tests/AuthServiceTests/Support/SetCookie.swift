import Foundation

/// One `Set-Cookie` header: name, value and its attributes exactly as written.
struct SetCookie: Sendable, Equatable {
    let name: String
    let value: String
    /// The attributes as written, such as `HttpOnly` or `Path=/`.
    let attributes: Set<String>

    init?(_ header: String) {
        let parts = header.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        guard let pair = parts.first, let equals = pair.firstIndex(of: "=") else { return nil }
        self.name = String(pair[..<equals])
        self.value = String(pair[pair.index(after: equals)...])
        self.attributes = Set(parts.dropFirst())
    }

    /// The value of attribute `name` (case-insensitive), or nil when it is absent or a flag.
    func attribute(_ name: String) -> String? {
        for attribute in self.attributes {
            let pieces = attribute.split(separator: "=", maxSplits: 1).map(String.init)
            if pieces.count == 2, pieces[0].lowercased() == name.lowercased() { return pieces[1] }
        }
        return nil
    }

    /// `Max-Age` as a number.
    var maxAge: Int? { self.attribute("Max-Age").flatMap { Int($0) } }
}
