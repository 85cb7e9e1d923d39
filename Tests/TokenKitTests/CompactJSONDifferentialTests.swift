import Foundation
import Testing

@testable import TokenKit

/// The fast claims reader against `JSONDecoder`, on inputs it was not written for: whatever it
/// returns must be what `JSONDecoder` returns. And the signer writes what it reads fast.
@Suite struct CompactJSONDifferentialTests {
    /// A small, seeded generator (SplitMix64), so a failure names a reproducible case.
    struct SeededRandom: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            self.state &+= 0x9E37_79B9_7F4A_7C15
            var z = self.state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// Claims near the genuine shape, with random members dropped, retyped, repeated, added or escaped.
    static func mutatedClaims(_ random: inout SeededRandom) -> String {
        let uuid = { UUID().uuidString.lowercased() }
        var members: [(String, String)] = [
            ("iss", #""https://auth.example.com/latchkey""#), ("aud", #"["notes","profile"]"#), ("sub", "\"\(uuid())\""),
            ("sid", "\"\(uuid())\""), ("jti", "\"\(uuid())\""), ("iat", "1750000000"), ("nbf", "1750000000"), ("exp", "1750000300"),
        ]
        let oddValues = [
            "1", "-1", "1.5", "1e3", "null", "true", #""x""#, #"["a",1]"#, "[]", #"{"a":1}"#, #""\u0041""#, #""a\/b""#,
            "99999999999999999999", #""\(uuid().uppercased())""#, #""not-a-uuid""#,
        ]
        for _ in 0..<Int.random(in: 0...3, using: &random) {
            switch Int.random(in: 0..<5, using: &random) {
            case 0 where !members.isEmpty: members.remove(at: Int.random(in: 0..<members.count, using: &random))
            case 1 where !members.isEmpty:
                let index = Int.random(in: 0..<members.count, using: &random)
                members[index].1 = oddValues.randomElement(using: &random)!
            case 2 where !members.isEmpty: members.append(members.randomElement(using: &random)!)
            case 3: members.append(("x\(Int.random(in: 0...9, using: &random))", oddValues.randomElement(using: &random)!))
            default: members.shuffle(using: &random)
            }
        }
        let body = members.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",")
        return Int.random(in: 0..<10, using: &random) == 0 ? "{ \(body) }" : "{\(body)}"
    }

    @Test func fastReaderAgreesWithJSONDecoder() {
        var random = SeededRandom(state: 20_261_206)
        var fast = 0
        for _ in 0..<2000 {
            let json = Self.mutatedClaims(&random)
            let bytes = Array(json.utf8)
            let reference = try? JSONDecoder().decode(AccessTokenClaims.self, from: Data(bytes))
            if let compact = bytes.withUnsafeBufferPointer({ AccessTokenClaims(compact: $0) }) {
                fast += 1
                #expect(compact == reference, "\(json)")
            }
        }
        // The generator keeps enough cases in the compact shape for the comparison to mean something.
        #expect(fast > 200)
    }

    /// A token from the real signer, with a URL issuer, is read by the fast path: the signer does not
    /// escape `/` (Foundation's default would send every such token to `JSONDecoder`).
    @Test func signedTokenWithAURLIssuerTakesTheFastPath() async throws {
        let claims = AccessTokenClaims(
            issuer: "https://auth.example.com/latchkey",
            audience: ["notes"],
            subject: UUID(),
            sessionID: UUID(),
            tokenID: UUID(),
            issuedAt: 1_750_000_000,
            notBefore: 1_750_000_000,
            expiresAt: 1_750_000_300,
            csrfHash: nil
        )
        let token = try await AccessTokenSigner(key: .generate()).sign(claims)
        let payload = try #require(Base64URL.decode(String(token.split(separator: ".")[1])))
        #expect(!payload.contains(UInt8(ascii: "\\")))
        #expect(payload.withUnsafeBufferPointer { AccessTokenClaims(compact: $0) } == claims)
    }
}
