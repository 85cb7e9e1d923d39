/// How a client carries its tokens: in headers and JSON (mobile, servers) or in cookies (browsers).
public enum TokenTransport: String, Sendable, Codable {
    case bearer
    case cookie
}
