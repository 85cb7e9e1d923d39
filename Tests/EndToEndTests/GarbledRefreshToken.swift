import Foundation
import TestSupport
import Testing

/// A refresh token that is not one: mangled from a genuine one, made up, or of the wrong JSON type.
enum GarbledRefreshToken: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case lastCharacterFlipped
    case firstCharacterFlipped
    case truncated
    case extended
    case empty
    case huge
    case notBase64
    case randomBytes
    case generationBumped
    case jwtShaped
    case sqlLooking
    case null
    case number
    case object

    var testDescription: String { self.rawValue }

    /// The `refresh_token` member to send, derived from the genuine token where that makes sense.
    func value(from genuine: String) -> JSONValue {
        func flipped(_ index: String.Index) -> String {
            var characters = Array(genuine)
            let offset = genuine.distance(from: genuine.startIndex, to: index)
            characters[offset] = characters[offset] == "A" ? "B" : "A"
            return String(characters)
        }
        switch self {
        case .lastCharacterFlipped: return .string(flipped(genuine.index(before: genuine.endIndex)))
        case .firstCharacterFlipped: return .string(flipped(genuine.startIndex))
        case .truncated: return .string(String(genuine.dropLast()))
        case .extended: return .string(genuine + "A")
        case .empty: return ""
        case .huge: return .string(String(repeating: genuine, count: 200))
        case .notBase64: return .string(String(repeating: "!", count: genuine.count))
        case .randomBytes:
            return .string(Base64URLCoding.encode((0..<56).map { _ in UInt8.random(in: 0...255) }))
        case .generationBumped:
            var bytes = Base64URLCoding.decode(genuine) ?? []
            if bytes.count > 23 { bytes[23] &+= 1 }
            return .string(Base64URLCoding.encode(bytes))
        case .jwtShaped: return "eyJhbGciOiJub25lIn0.eyJzaWQiOiJ4In0."
        case .sqlLooking: return "' OR '1'='1' --"
        case .null: return .null
        case .number: return 12345
        case .object: return ["token": .string(genuine)]
        }
    }
}
