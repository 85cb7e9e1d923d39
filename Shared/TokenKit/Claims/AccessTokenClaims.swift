import Foundation
import JWTKit

/// The claims of a Latchkey access token, and nothing else: no e-mail, no profile data.
///
/// Times are whole seconds since 1970. `aud` is always an array. `client_id` (RFC 9068 requires it)
/// names the kind of client: `web` for a cookie-mode session, `native` for a bearer one; tokens
/// issued before it existed lack it, so it is read when present and never required. `csrf` is
/// present only on tokens issued to cookie-mode sessions: the base64url SHA-256 of that session's
/// CSRF token.
public struct AccessTokenClaims: JWTPayload, Equatable {
    public var issuer: String
    public var audience: [String]
    public var subject: UUID
    public var sessionID: UUID
    public var tokenID: UUID
    public var issuedAt: Int64
    public var notBefore: Int64
    public var expiresAt: Int64
    public var clientID: String?
    public var csrfHash: String?

    public init(
        issuer: String,
        audience: [String],
        subject: UUID,
        sessionID: UUID,
        tokenID: UUID,
        issuedAt: Int64,
        notBefore: Int64,
        expiresAt: Int64,
        clientID: String? = nil,
        csrfHash: String?
    ) {
        self.issuer = issuer
        self.audience = audience
        self.subject = subject
        self.sessionID = sessionID
        self.tokenID = tokenID
        self.issuedAt = issuedAt
        self.notBefore = notBefore
        self.expiresAt = expiresAt
        self.clientID = clientID
        self.csrfHash = csrfHash
    }

    enum CodingKeys: String, CodingKey {
        case issuer = "iss"
        case audience = "aud"
        case subject = "sub"
        case sessionID = "sid"
        case tokenID = "jti"
        case issuedAt = "iat"
        case notBefore = "nbf"
        case expiresAt = "exp"
        case clientID = "client_id"
        case csrfHash = "csrf"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.issuer = try container.decode(String.self, forKey: .issuer)
        self.audience = try container.decode([String].self, forKey: .audience)
        self.subject = try Self.decodeUUID(container, .subject)
        self.sessionID = try Self.decodeUUID(container, .sessionID)
        self.tokenID = try Self.decodeUUID(container, .tokenID)
        self.issuedAt = try container.decode(Int64.self, forKey: .issuedAt)
        self.notBefore = try container.decode(Int64.self, forKey: .notBefore)
        self.expiresAt = try container.decode(Int64.self, forKey: .expiresAt)
        self.clientID = try container.decodeIfPresent(String.self, forKey: .clientID)
        self.csrfHash = try container.decodeIfPresent(String.self, forKey: .csrfHash)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.issuer, forKey: .issuer)
        try container.encode(self.audience, forKey: .audience)
        try container.encode(self.subject.uuidString.lowercased(), forKey: .subject)
        try container.encode(self.sessionID.uuidString.lowercased(), forKey: .sessionID)
        try container.encode(self.tokenID.uuidString.lowercased(), forKey: .tokenID)
        try container.encode(self.issuedAt, forKey: .issuedAt)
        try container.encode(self.notBefore, forKey: .notBefore)
        try container.encode(self.expiresAt, forKey: .expiresAt)
        try container.encodeIfPresent(self.clientID, forKey: .clientID)
        try container.encodeIfPresent(self.csrfHash, forKey: .csrfHash)
    }

    /// jwt-kit calls this after its own signature check; TokenKit never lets jwt-kit verify, and
    /// ``AccessTokenVerifier`` checks every claim itself, so there is nothing to do here.
    public func verify(using algorithm: some JWTAlgorithm) async throws {}

    private static func decodeUUID(_ container: KeyedDecodingContainer<CodingKeys>, _ key: CodingKeys) throws -> UUID {
        let string = try container.decode(String.self, forKey: key)
        guard let uuid = UUID(strict: string) else {
            throw DecodingError.dataCorruptedError(forKey: key, in: container, debugDescription: "not a UUID")
        }
        return uuid
    }

    /// The claims in `json` when it has the compact shape `auth` writes (see ``CompactJSON``) with every
    /// required claim of the right type; nil otherwise, and then `JSONDecoder` decides.
    init?(compact json: UnsafeBufferPointer<UInt8>) {
        guard let members = CompactJSON.object(json) else { return nil }
        var issuer: String?
        var audience: [String]?
        var subject: UUID?
        var sessionID: UUID?
        var tokenID: UUID?
        var issuedAt: Int64?
        var notBefore: Int64?
        var expiresAt: Int64?
        var clientID: String?
        var csrfHash: String?
        // The names are the decoder's own (CodingKeys), so the two readers cannot disagree on them.
        for (name, value) in members {
            switch (CodingKeys(stringValue: name), value) {
            case (.issuer?, .string(let text)): issuer = text
            case (.audience?, .strings(let names)): audience = names
            case (.subject?, .string(let text)): subject = UUID(strict: text)
            case (.sessionID?, .string(let text)): sessionID = UUID(strict: text)
            case (.tokenID?, .string(let text)): tokenID = UUID(strict: text)
            case (.issuedAt?, .integer(let seconds)): issuedAt = seconds
            case (.notBefore?, .integer(let seconds)): notBefore = seconds
            case (.expiresAt?, .integer(let seconds)): expiresAt = seconds
            case (.clientID?, .string(let text)): clientID = text
            case (.csrfHash?, .string(let text)): csrfHash = text
            case (.some, _):
                return nil  // A known claim of another type: JSONDecoder decides (and refuses).
            case (nil, _):
                continue  // JSONDecoder ignores members it was not asked for; so does this.
            }
        }
        guard let issuer, let audience, let subject, let sessionID, let tokenID, let issuedAt, let notBefore, let expiresAt else {
            return nil
        }
        self.init(
            issuer: issuer,
            audience: audience,
            subject: subject,
            sessionID: sessionID,
            tokenID: tokenID,
            issuedAt: issuedAt,
            notBefore: notBefore,
            expiresAt: expiresAt,
            clientID: clientID,
            csrfHash: csrfHash
        )
    }
}
