import Crypto
import Foundation
import TokenKit

/// Encodes and checks opaque refresh tokens: `base64url(session id ‖ generation ‖ HMAC-SHA256)`.
///
/// The token names its session and its place in the rotation chain, and the 256-bit MAC (keyed by
/// a secret the database never sees) makes it unforgeable. Nothing about it is stored: a copy of
/// the database cannot mint a working token, and the successor a retry must get back is simply
/// re-encoded from the session's current generation.
struct RefreshTokenCodec: Sendable {
    /// The claims a valid refresh token carries.
    struct Contents: Equatable {
        let sessionID: UUID
        let generation: Int64
    }

    private static let domain = Array("latchkey refresh token v1".utf8)
    private static let encodedLength = 75
    private let key: SymmetricKey
    /// The key of `AUTH_SECRET_KEY_PREVIOUS`: its tokens still decode (and their successors are made
    /// with ``key``), so a secret rotation logs nobody out.
    private let previousKey: SymmetricKey?

    init(key: SymmetricKey, previousKey: SymmetricKey? = nil) {
        self.key = key
        self.previousKey = previousKey
    }

    func encode(sessionID: UUID, generation: Int64) -> String {
        let body = Self.body(sessionID: sessionID, generation: generation)
        let mac = HMAC<SHA256>.authenticationCode(for: Self.domain + body, using: self.key)
        return Base64URL.encode(body + Array(mac))
    }

    /// The contents of a genuine token, or nil for anything garbled, truncated or forged.
    func decode(_ token: String) -> Contents? {
        guard token.utf8.count == Self.encodedLength, let bytes = Base64URL.decode(token), bytes.count == 56 else { return nil }
        let body = Array(bytes[0..<24])
        let mac = Array(bytes[24..<56])
        let keys = [self.key] + (self.previousKey.map { [$0] } ?? [])
        guard keys.contains(where: { HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: Self.domain + body, using: $0) }) else {
            return nil
        }
        let uuid = UUID(
            uuid: (
                body[0], body[1], body[2], body[3], body[4], body[5], body[6], body[7],
                body[8], body[9], body[10], body[11], body[12], body[13], body[14], body[15]
            )
        )
        let generation = body[16..<24].reduce(Int64(0)) { $0 << 8 | Int64($1) }
        guard generation >= 0 else { return nil }
        return Contents(sessionID: uuid, generation: generation)
    }

    private static func body(sessionID: UUID, generation: Int64) -> [UInt8] {
        var bytes = withUnsafeBytes(of: sessionID.uuid) { Array($0) }
        for shift in stride(from: 56, through: 0, by: -8) {
            bytes.append(UInt8(truncatingIfNeeded: generation >> Int64(shift)))
        }
        return bytes
    }
}
