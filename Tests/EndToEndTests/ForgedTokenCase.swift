import Foundation
import TestSupport
import Testing

/// One way to forge or mangle an access token, from DESIGN.md's attack list: every one of them
/// must be refused by notes, profile and auth with 401 `token-invalid`.
enum ForgedTokenCase: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case algNone
    case algNoneCapitalized
    case algNoneUpper
    case algNoneMixed
    case algNoneKeepingSignature
    case hs256WithPublicKeyBytes
    case hs256WithPublicKeyText
    case hs256WithPublicJWKText
    case headerAlgES256
    case headerAlgRS256
    case headerAlgLowercase
    case unknownKid
    case missingKid
    case emptyKid
    case kidPathTraversal
    case kidSQL
    case kidURL
    case kidNotAString
    case kidOfAttackerKey
    case jkuToAttackerKeys
    case x5uToAttackerCertificate
    case jwkWithAttackerKey
    case jwkWithAttackerKeyAndRealKid
    case x5cWithAttackerCertificate
    case typJWT
    case typUppercase
    case typMissing
    case typMediaType
    case wrongIssuer
    case audienceOnlyProfile
    case audienceOnlyOtherService
    case audienceAsString
    case forgedAndExpired
    case forgedNotYetValid
    case critHeader
    case emptySignature
    case extraSegment
    case trailingDot
    case fiveSegments
    case twoSegments
    case oneSegment
    case oversizedPayload
    case tamperedSubject
    case transplantedSignature
    case notAJWT
    case spacesInside
    case hugeNumberInHeader
    case hugeNumberInPayload

    var testDescription: String { self.rawValue }

    /// Everything a forger can get hold of: auth's published keys, one genuine token and its claims,
    /// and a key of their own.
    struct Material: Sendable {
        let published: PublishedKeys.Key
        let genuine: String
        let subject: String
        let session: String
        /// Another user's id, for tampered tokens.
        let otherSubject: String
        let forge: TokenForge
        /// Where `jku` and `x5u` point: a listener that counts connections.
        let canaryURL: String
    }

    /// The forged token.
    func token(_ m: Material) -> String {
        let claims = JSONValue.object(TokenForge.claims(subject: m.subject, session: m.session, issuedAt: TokenForge.currentTime))
        let realHeader: [String: JSONValue] = ["alg": "EdDSA", "typ": "at+jwt", "kid": .string(m.published.kid)]
        let ownHeader: [String: JSONValue] = ["alg": "EdDSA", "typ": "at+jwt", "kid": .string(m.forge.kid)]
        let segments = m.genuine.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        let publicKeyBytes = Base64URLCoding.decode(m.published.x) ?? []
        func header(_ base: [String: JSONValue], _ changes: [String: JSONValue?]) -> JSONValue {
            var fields = base
            for (name, value) in changes { fields[name] = value }
            return .object(fields)
        }
        func genuineWithHeader(_ changes: [String: JSONValue?]) -> String {
            TokenForge.segment(header(realHeader, changes)) + "." + segments[1] + "." + segments[2]
        }
        func ownSigned(_ changes: [String: JSONValue?], claims: JSONValue = claims) -> String {
            m.forge.signed(header: header(realHeader, changes), payload: claims)
        }
        func none(_ alg: String) -> String {
            TokenForge.withSignature(header: header(realHeader, ["alg": .string(alg)]), payload: claims, signature: "")
        }
        switch self {
        case .algNone: return none("none")
        case .algNoneCapitalized: return none("None")
        case .algNoneUpper: return none("NONE")
        case .algNoneMixed: return none("nOnE")
        case .algNoneKeepingSignature: return genuineWithHeader(["alg": "none"])
        case .hs256WithPublicKeyBytes:
            return TokenForge.hmacSigned(header: header(realHeader, ["alg": "HS256"]), payload: claims, keyBytes: publicKeyBytes)
        case .hs256WithPublicKeyText:
            return TokenForge.hmacSigned(header: header(realHeader, ["alg": "HS256"]), payload: claims, keyBytes: Array(m.published.x.utf8))
        case .hs256WithPublicJWKText:
            let jwkText = (try? m.published.jwk.encoded()).map(Array.init) ?? []
            return TokenForge.hmacSigned(header: header(realHeader, ["alg": "HS256"]), payload: claims, keyBytes: jwkText)
        case .headerAlgES256: return genuineWithHeader(["alg": "ES256"])
        case .headerAlgRS256: return genuineWithHeader(["alg": "RS256"])
        case .headerAlgLowercase: return genuineWithHeader(["alg": "eddsa"])
        case .unknownKid: return ownSigned(["kid": .string(UUID().uuidString)])
        case .missingKid: return ownSigned(["kid": nil])
        case .emptyKid: return ownSigned(["kid": ""])
        case .kidPathTraversal: return ownSigned(["kid": "../../../../../../etc/passwd"])
        case .kidSQL: return ownSigned(["kid": "' OR '1'='1' --"])
        case .kidURL: return ownSigned(["kid": .string(m.canaryURL)])
        case .kidNotAString: return ownSigned(["kid": 1])
        case .kidOfAttackerKey: return m.forge.signed(header: .object(ownHeader), payload: claims)
        case .jkuToAttackerKeys:
            return m.forge.signed(header: header(ownHeader, ["jku": .string(m.canaryURL)]), payload: claims)
        case .x5uToAttackerCertificate:
            return m.forge.signed(header: header(ownHeader, ["x5u": .string(m.canaryURL)]), payload: claims)
        case .jwkWithAttackerKey:
            return m.forge.signed(header: header(ownHeader, ["jwk": m.forge.publicJWK]), payload: claims)
        case .jwkWithAttackerKeyAndRealKid:
            return ownSigned(["jwk": m.forge.publicJWK])
        case .x5cWithAttackerCertificate:
            return m.forge.signed(header: header(ownHeader, ["x5c": ["MIIBszCCAVmgAwIBAgIUAttackerCertificateAAAA"]]), payload: claims)
        case .typJWT: return genuineWithHeader(["typ": "JWT"])
        case .typUppercase: return genuineWithHeader(["typ": "AT+JWT"])
        case .typMissing: return genuineWithHeader(["typ": nil])
        case .typMediaType: return genuineWithHeader(["typ": "application/at+jwt"])
        case .wrongIssuer:
            return ownSigned(
                [:],
                claims: JSONValue.object(TokenForge.claims(subject: m.subject, session: m.session, issuer: "evil", issuedAt: TokenForge.currentTime))
            )
        case .audienceOnlyProfile:
            return ownSigned(
                [:],
                claims: JSONValue.object(
                    TokenForge.claims(subject: m.subject, session: m.session, audience: ["profile"], issuedAt: TokenForge.currentTime)
                )
            )
        case .audienceOnlyOtherService:
            return ownSigned(
                [:],
                claims: JSONValue.object(
                    TokenForge.claims(subject: m.subject, session: m.session, audience: ["billing"], issuedAt: TokenForge.currentTime)
                )
            )
        case .audienceAsString:
            return ownSigned(
                [:],
                claims: JSONValue.object(
                    TokenForge.claims(subject: m.subject, session: m.session, audience: "notes", issuedAt: TokenForge.currentTime)
                )
            )
        case .forgedAndExpired:
            var expired = claims.object ?? [:]
            let now = Int(Date().timeIntervalSince1970)
            expired["iat"] = .int(now - 4000)
            expired["nbf"] = .int(now - 4000)
            expired["exp"] = .int(now - 3600)
            return ownSigned([:], claims: .object(expired))
        case .forgedNotYetValid:
            var future = claims.object ?? [:]
            let now = Int(Date().timeIntervalSince1970)
            future["nbf"] = .int(now + 3600)
            future["exp"] = .int(now + 7200)
            return ownSigned([:], claims: .object(future))
        case .critHeader: return genuineWithHeader(["crit": ["exp"]])
        case .emptySignature: return segments[0] + "." + segments[1] + "."
        case .extraSegment: return m.genuine + "." + segments[2]
        case .trailingDot: return m.genuine + "."
        case .fiveSegments: return m.genuine + ".AAAA.BBBB"
        case .twoSegments: return segments[0] + "." + segments[1]
        case .oneSegment: return segments[0]
        case .oversizedPayload:
            var padded = claims.object ?? [:]
            padded["pad"] = .string(String(repeating: "A", count: 6000))
            return ownSigned([:], claims: .object(padded))
        case .tamperedSubject:
            var payload = (try? TokenClaims.payload(of: m.genuine))?.object ?? [:]
            payload["sub"] = .string(m.otherSubject)
            return segments[0] + "." + TokenForge.segment(.object(payload)) + "." + segments[2]
        case .transplantedSignature:
            return TokenForge.withSignature(header: .object(realHeader), payload: claims, signature: segments[2])
        case .notAJWT: return "not-a-jwt"
        case .spacesInside: return segments[0] + " ." + segments[1] + ". " + segments[2]
        case .hugeNumberInHeader:
            // Read before any signature is checked: a number past Int64 must be refused, not overflow.
            let raw = #"{"alg":"EdDSA","typ":"at+jwt","kid":"\#(m.published.kid)","n":99999999999999999999}"#
            return Base64URLCoding.encode(Array(raw.utf8)) + "." + segments[1] + "." + segments[2]
        case .hugeNumberInPayload:
            let raw = #"{"iss":"latchkey","aud":["notes","profile"],"sub":"\#(m.subject)","sid":"\#(m.session)","exp":99999999999999999999}"#
            return segments[0] + "." + Base64URLCoding.encode(Array(raw.utf8)) + "." + segments[2]
        }
    }
}
