import Foundation

/// The JOSE header of a token being verified: every parameter name it carries, and the three values
/// TokenKit reads (each nil unless it is a JSON string).
///
/// A concrete type rather than jwt-kit's `JWTHeader` (a dictionary of any JSON values): decoding it is a
/// fraction of the cost, and only the names are needed to refuse any parameter outside the allow-list.
/// ``decode(_:decoder:)`` reads the compact shape every genuine header has without `JSONDecoder`.
struct JOSEHeader: Decodable {
    /// The names of every parameter in the header.
    let names: [String]
    let alg: String?
    let typ: String?
    let kid: String?

    /// Any parameter name.
    struct Name: CodingKey {
        let stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    init(names: [String], alg: String?, typ: String?, kid: String?) {
        self.names = names
        self.alg = alg
        self.typ = typ
        self.kid = kid
    }

    /// The header in `json`, or nil when it is not a JSON object.
    static func decode(_ json: [UInt8], decoder: JSONDecoder) -> JOSEHeader? {
        let compact = json.withUnsafeBufferPointer { CompactJSON.object($0) }
        guard let members = compact else { return try? decoder.decode(JOSEHeader.self, from: Data(json)) }
        func string(_ name: String) -> String? {
            guard case .string(let value) = members.first(where: { $0.name == name })?.value else { return nil }
            return value
        }
        return JOSEHeader(names: members.map(\.name), alg: string("alg"), typ: string("typ"), kid: string("kid"))
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Name.self)
        self.names = container.allKeys.map(\.stringValue)
        self.alg = try? container.decodeIfPresent(String.self, forKey: Name(stringValue: "alg"))
        self.typ = try? container.decodeIfPresent(String.self, forKey: Name(stringValue: "typ"))
        self.kid = try? container.decodeIfPresent(String.self, forKey: Name(stringValue: "kid"))
    }
}

/// The fixed JOSE header values of an access token.
public enum AccessTokenHeader {
    /// The only accepted `alg`: Ed25519 signatures.
    public static let algorithm = "EdDSA"
    /// The only accepted `typ` (RFC 9068).
    public static let type = "at+jwt"
    /// The only header parameters an access token may carry. Anything else (`crit`, `jku`,
    /// `x5u`, `x5c`, `jwk`, …) makes the token invalid; none of them is ever followed.
    public static let allowedParameters: Set<String> = ["alg", "typ", "kid"]
    /// The longest token accepted; real tokens stay well under 1 KB.
    public static let maximumTokenLength = 4096
}
