import Foundation
import TestSupport
import Testing
import TokenKit

/// Tokens that are not exactly three canonical base64url segments of sane size are refused.
@Suite("Token shape attacks")
struct TokenShapeTests {
    let factory = TokenForge()
    let provider: StaticKeyProvider
    let verifier: AccessTokenVerifier
    let token: String

    init() {
        self.provider = StaticKeyProvider(self.factory.verificationKey)
        self.verifier = TokenForge.verifier(keys: self.provider)
        self.token = self.factory.token()
    }

    /// The three segments of the genuine token.
    var segments: [String] { self.token.split(separator: ".", omittingEmptySubsequences: false).map(String.init) }

    /// Expects `token` to be refused with `reason`.
    func expectRefused(_ token: String, _ reason: InvalidTokenReason, sourceLocation: SourceLocation = #_sourceLocation) async {
        await #expect(throws: TokenVerificationError.invalid(reason), sourceLocation: sourceLocation) {
            try await self.verifier.verify(token)
        }
    }

    /// An empty signature segment is malformed, and no key is looked up.
    @Test func emptySignature() async {
        await self.expectRefused(self.segments[0] + "." + self.segments[1] + ".", .malformed)
        #expect(self.provider.requestedKeyIDs.isEmpty)
    }

    /// A signature of any length other than 64 bytes is bad.
    @Test(arguments: [1, 32, 63, 65, 128])
    func signatureOfWrongLength(length: Int) async {
        let signature = Base64URL.encode([UInt8](repeating: 0x5A, count: length))

        await self.expectRefused(self.segments[0] + "." + self.segments[1] + "." + signature, .badSignature)
    }

    /// The genuine signature cut short or extended by one byte is bad.
    @Test func truncatedAndExtendedSignature() async throws {
        let signature = try #require(Base64URL.decode(self.segments[2]))

        await self.expectRefused(self.segments[0] + "." + self.segments[1] + "." + Base64URL.encode(signature.dropLast()), .badSignature)
        await self.expectRefused(self.segments[0] + "." + self.segments[1] + "." + Base64URL.encode(signature + [0]), .badSignature)
    }

    /// One flipped bit anywhere in the payload breaks the signature.
    @Test(arguments: [0, 17, 100, 200])
    func flippedPayloadBit(byteIndex: Int) async throws {
        var payload = try #require(Base64URL.decode(self.segments[1]))
        payload[byteIndex % payload.count] ^= 0x01

        await self.expectRefused(self.segments[0] + "." + Base64URL.encode(payload) + "." + self.segments[2], .badSignature)
    }

    /// One flipped bit anywhere in the signature breaks it.
    @Test(arguments: [0, 31, 32, 63])
    func flippedSignatureBit(byteIndex: Int) async throws {
        var signature = try #require(Base64URL.decode(self.segments[2]))
        signature[byteIndex] ^= 0x80

        await self.expectRefused(self.segments[0] + "." + self.segments[1] + "." + Base64URL.encode(signature), .badSignature)
    }

    /// Two, four or more segments, and empty segments, are malformed.
    @Test(arguments: ["a.b.c.d", "%T.x", "%T.", ".%T", "%H.%P", "%H..%S", ".%P.%S", "..", "...", ".", "", "a.b.c.d.e"])
    func wrongSegmentCount(template: String) async {
        let token =
            template
            .replacingOccurrences(of: "%T", with: self.token)
            .replacingOccurrences(of: "%H", with: self.segments[0])
            .replacingOccurrences(of: "%P", with: self.segments[1])
            .replacingOccurrences(of: "%S", with: self.segments[2])

        await self.expectRefused(token, .malformed)
        #expect(self.provider.requestedKeyIDs.isEmpty)
    }

    /// Padding or a character outside the URL-safe alphabet in the header is malformed.
    @Test(arguments: ["=", "==", "+", "/", " ", "\n", "%"])
    func nonCanonicalHeader(suffix: String) async {
        await self.expectRefused(self.segments[0] + suffix + "." + self.segments[1] + "." + self.segments[2], .malformed)
    }

    /// Padding or a character outside the URL-safe alphabet in the signature makes it bad.
    @Test(arguments: ["=", "==", "+", "/", " ", "%"])
    func nonCanonicalSignature(suffix: String) async {
        await self.expectRefused(self.segments[0] + "." + self.segments[1] + "." + self.segments[2] + suffix, .badSignature)
    }

    /// A payload with padding fails the signature, and even genuinely signed it is refused.
    @Test func paddedPayload() async {
        let padded = self.segments[0] + "." + self.segments[1] + "=="
        let resigned = padded + "." + Base64URL.encode(self.factory.signature(for: padded))

        await self.expectRefused(padded + "." + self.segments[2], .badSignature)
        await self.expectRefused(resigned, .malformedClaims)
    }

    /// A payload in standard base64 (`+`, `/`), genuinely signed, is refused.
    @Test func standardBase64Payload() async {
        let signingInput = self.segments[0] + ".+/+/"
        let token = signingInput + "." + Base64URL.encode(self.factory.signature(for: signingInput))

        await self.expectRefused(token, .malformedClaims)
    }

    /// A genuine token of up to 4096 bytes is accepted; one byte more is refused as oversized.
    @Test func oversizedToken() async throws {
        var payload = TokenForge.claims()
        var padding = ""
        var largest = self.token
        while true {
            payload["pad"] = .string(padding)
            let candidate = self.factory.token(payload: payload)
            if candidate.utf8.count > 4096 {
                await self.expectRefused(candidate, .oversized)
                break
            }
            largest = candidate
            padding += "x"
        }

        #expect(largest.utf8.count >= 4094)
        _ = try await self.verifier.verify(largest)
    }

    /// Any string over 4096 bytes is refused as oversized before it is parsed.
    @Test func oversizedGarbage() async {
        await self.expectRefused(String(repeating: "a.", count: 5000), .oversized)
        #expect(self.provider.requestedKeyIDs.isEmpty)
    }

    /// A refresh-token-shaped opaque string (no dots, 75 base64url characters) is malformed.
    @Test func refreshTokenAsAccessToken() async {
        let refreshToken = Base64URL.encode((0..<56).map { _ in UInt8.random(in: 0...255) })
        #expect(refreshToken.count == 75)

        await self.expectRefused(refreshToken, .malformed)
        #expect(self.provider.requestedKeyIDs.isEmpty)
    }
}
