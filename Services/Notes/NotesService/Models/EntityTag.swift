import Foundation

/// `If-Match` evaluation (RFC 9110 §13.1.1): `*`, or a list of strong entity tags.
enum EntityTag {
    /// Whether the `If-Match` value allows changing a resource whose current tag is `current`.
    /// Weak tags (`W/"…"`) never match, as the strong comparison requires.
    static func matches(ifMatch: String, current: String) -> Bool {
        let candidates = ifMatch.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        return candidates.contains { $0 == "*" || $0 == current }
    }
}
