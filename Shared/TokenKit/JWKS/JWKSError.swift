/// Why a JWKS or one of its keys could not be used.
public enum JWKSError: Error, Sendable, Equatable {
    case unsupportedKey
    case missingKeyID
    case invalidKeyMaterial
    case unexpectedStatus(Int)
    case malformedDocument
}
