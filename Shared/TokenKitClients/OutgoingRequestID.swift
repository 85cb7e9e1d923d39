/// The id of the request being served, carried to the calls it makes to other services.
///
/// Set for the duration of a request by the service's request-id middleware; the introspection
/// client sends it to `auth` as `X-Request-ID`, so `auth`'s log lines for a resource service's
/// session check carry the same id as the resource service's own.
public enum OutgoingRequestID {
    /// The current request's id, or nil outside a request.
    @TaskLocal public static var current: String?

    /// The header both directions use.
    public static let headerName = "X-Request-ID"

    /// Whether a caller's id may be kept: 1–128 characters of `[A-Za-z0-9._-]`.
    public static func isAcceptable(_ id: Substring) -> Bool {
        guard (1...128).contains(id.utf8.count) else { return false }
        return id.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                true
            case UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"):
                true
            default:
                false
            }
        }
    }
}
