import Foundation
import Testing

@testable import TokenKit

/// The verifier reads headers and claims with ``CompactJSON`` and falls back to `JSONDecoder` for anything
/// else. These tests hold the reader to that promise: whatever it accepts decodes exactly as `JSONDecoder`
/// decodes it, and every input outside its narrow shape is left to `JSONDecoder`.
struct CompactJSONTests {
    static let claims: [String] = [
        #"{"aud":["notes","profile"],"exp":1750000300,"iat":1750000000,"iss":"latchkey","jti":"5c2a4a30-8e86-4b3e-9a51-2d3c6f1b8a10","nbf":1750000000,"sid":"0b4e0c5e-1111-4a7a-9d3e-3f6c2b1a9e20","sub":"a3f1c2d4-2222-4b5c-8d6e-7f8091a2b3c4"}"#,
        #"{"iss":"latchkey","aud":["notes"],"sub":"A3F1C2D4-2222-4B5C-8D6E-7F8091A2B3C4","sid":"0b4e0c5e-1111-4a7a-9d3e-3f6c2b1a9e20","jti":"5c2a4a30-8e86-4b3e-9a51-2d3c6f1b8a10","iat":0,"nbf":-5,"exp":999999999999999999,"csrf":"abc_-"}"#,
        #"{"iss":"latchkey","aud":[],"sub":"a3f1c2d4-2222-4b5c-8d6e-7f8091a2b3c4","sid":"0b4e0c5e-1111-4a7a-9d3e-3f6c2b1a9e20","jti":"5c2a4a30-8e86-4b3e-9a51-2d3c6f1b8a10","iat":1,"nbf":1,"exp":2,"extra":"ignored","more":[]}"#,
        // Outside the compact shape: JSONDecoder decides (some decode, some do not).
        #"{ "iss":"latchkey","aud":["notes"],"sub":"a3f1c2d4-2222-4b5c-8d6e-7f8091a2b3c4","sid":"0b4e0c5e-1111-4a7a-9d3e-3f6c2b1a9e20","jti":"5c2a4a30-8e86-4b3e-9a51-2d3c6f1b8a10","iat":1,"nbf":1,"exp":2}"#,
        #"{"iss":"l\u0061tchkey","aud":["notes"],"sub":"a3f1c2d4-2222-4b5c-8d6e-7f8091a2b3c4","sid":"0b4e0c5e-1111-4a7a-9d3e-3f6c2b1a9e20","jti":"5c2a4a30-8e86-4b3e-9a51-2d3c6f1b8a10","iat":1,"nbf":1,"exp":2}"#,
        #"{"iss":"latchkey","iss":"evil","aud":["notes"],"sub":"a3f1c2d4-2222-4b5c-8d6e-7f8091a2b3c4","sid":"0b4e0c5e-1111-4a7a-9d3e-3f6c2b1a9e20","jti":"5c2a4a30-8e86-4b3e-9a51-2d3c6f1b8a10","iat":1,"nbf":1,"exp":2}"#,
        #"{"iss":"latchkey","aud":["notes"],"sub":"a3f1c2d4-2222-4b5c-8d6e-7f8091a2b3c4","sid":"0b4e0c5e-1111-4a7a-9d3e-3f6c2b1a9e20","jti":"5c2a4a30-8e86-4b3e-9a51-2d3c6f1b8a10","iat":1.0,"nbf":1,"exp":2}"#,
        #"{"iss":"latchkey","aud":["notes"],"sub":"a3f1c2d4-2222-4b5c-8d6e-7f8091a2b3c4","sid":"0b4e0c5e-1111-4a7a-9d3e-3f6c2b1a9e20","jti":"5c2a4a30-8e86-4b3e-9a51-2d3c6f1b8a10","iat":1e3,"nbf":1,"exp":2}"#,
        #"{"iss":"latchkey","aud":["notes"],"sub":"a3f1c2d4-2222-4b5c-8d6e-7f8091a2b3c4","sid":"0b4e0c5e-1111-4a7a-9d3e-3f6c2b1a9e20","jti":"5c2a4a30-8e86-4b3e-9a51-2d3c6f1b8a10","iat":01,"nbf":1,"exp":2}"#,
        #"{"iss":"latchkey","aud":["notes"],"sub":"a3f1c2d4-2222-4b5c-8d6e-7f8091a2b3c4","sid":"0b4e0c5e-1111-4a7a-9d3e-3f6c2b1a9e20","jti":"5c2a4a30-8e86-4b3e-9a51-2d3c6f1b8a10","iat":-0,"nbf":1,"exp":2}"#,
        #"{"iss":"latchkey","aud":["notes"],"sub":"a3f1c2d4-2222-4b5c-8d6e-7f8091a2b3c4","sid":"0b4e0c5e-1111-4a7a-9d3e-3f6c2b1a9e20","jti":"5c2a4a30-8e86-4b3e-9a51-2d3c6f1b8a10","iat":99999999999999999999,"nbf":1,"exp":2}"#,
        #"{"iss":"latchkey","aud":["notes"],"sub":"a3f1c2d4-2222-4b5c-8d6e-7f8091a2b3c4","sid":"0b4e0c5e-1111-4a7a-9d3e-3f6c2b1a9e20","jti":"5c2a4a30-8e86-4b3e-9a51-2d3c6f1b8a10","iat":1,"nbf":1,"exp":2,"csrf":null}"#,
        #"{"iss":"latchkey","aud":["notes"],"sub":"a3f1c2d4-2222-4b5c-8d6e-7f8091a2b3c4","sid":"0b4e0c5e-1111-4a7a-9d3e-3f6c2b1a9e20","jti":"5c2a4a30-8e86-4b3e-9a51-2d3c6f1b8a10","iat":1,"nbf":1,"exp":2,"csrf":7}"#,
        #"{"iss":"latchkey","aud":"notes","sub":"a3f1c2d4-2222-4b5c-8d6e-7f8091a2b3c4","sid":"0b4e0c5e-1111-4a7a-9d3e-3f6c2b1a9e20","jti":"5c2a4a30-8e86-4b3e-9a51-2d3c6f1b8a10","iat":1,"nbf":1,"exp":2}"#,
        #"{"iss":"latchkey","aud":["notes",1],"sub":"a3f1c2d4-2222-4b5c-8d6e-7f8091a2b3c4","sid":"0b4e0c5e-1111-4a7a-9d3e-3f6c2b1a9e20","jti":"5c2a4a30-8e86-4b3e-9a51-2d3c6f1b8a10","iat":1,"nbf":1,"exp":2}"#,
        #"{"iss":"latchkey","aud":["notes"],"sub":"not-a-uuid","sid":"0b4e0c5e-1111-4a7a-9d3e-3f6c2b1a9e20","jti":"5c2a4a30-8e86-4b3e-9a51-2d3c6f1b8a10","iat":1,"nbf":1,"exp":2}"#,
        #"{"iss":"latchkey","aud":["notes"],"sid":"0b4e0c5e-1111-4a7a-9d3e-3f6c2b1a9e20","jti":"5c2a4a30-8e86-4b3e-9a51-2d3c6f1b8a10","iat":1,"nbf":1,"exp":2}"#,
        #"{"iss":"latchkey","aud":["notes"],"sub":"a3f1c2d4-2222-4b5c-8d6e-7f8091a2b3c4","sid":"0b4e0c5e-1111-4a7a-9d3e-3f6c2b1a9e20","jti":"5c2a4a30-8e86-4b3e-9a51-2d3c6f1b8a10","iat":1,"nbf":1,"exp":"2"}"#,
        #"{"iss":"latchkey","aud":["notes"],"sub":"a3f1c2d4-2222-4b5c-8d6e-7f8091a2b3c4","sid":"0b4e0c5e-1111-4a7a-9d3e-3f6c2b1a9e20","jti":"5c2a4a30-8e86-4b3e-9a51-2d3c6f1b8a10","iat":1,"nbf":1,"exp":2,"x":{"y":1}}"#,
        #"{"iss":"latchkey","aud":["notes"],"sub":"a3f1c2d4-2222-4b5c-8d6e-7f8091a2b3c4","sid":"0b4e0c5e-1111-4a7a-9d3e-3f6c2b1a9e20","jti":"5c2a4a30-8e86-4b3e-9a51-2d3c6f1b8a10","iat":1,"nbf":1,"exp":2}x"#,
        #"{"iss":"latchkey","aud":["notes"],"sub":"a3f1c2d4-2222-4b5c-8d6e-7f8091a2b3c4","sid":"0b4e0c5e-1111-4a7a-9d3e-3f6c2b1a9e20","jti":"5c2a4a30-8e86-4b3e-9a51-2d3c6f1b8a10","iat":1,"nbf":1,"exp":2,}"#,
        #"{"iss":"lätchkey","aud":["notes"],"sub":"a3f1c2d4-2222-4b5c-8d6e-7f8091a2b3c4","sid":"0b4e0c5e-1111-4a7a-9d3e-3f6c2b1a9e20","jti":"5c2a4a30-8e86-4b3e-9a51-2d3c6f1b8a10","iat":1,"nbf":1,"exp":2}"#,
        "", "{", "{}", "[]", "null", #"{"a":}"#, #"{"a":[}"#, #"{"a":["x",]}"#, #"{"a":-}"#, #"{"a":"x"}"#,
    ]

    @Test(arguments: claims)
    func claimsDecodeAsJSONDecoderDecodes(_ json: String) {
        let bytes = Array(json.utf8)
        let compact = bytes.withUnsafeBufferPointer { AccessTokenClaims(compact: $0) }
        let reference = try? JSONDecoder().decode(AccessTokenClaims.self, from: Data(bytes))
        if let compact {
            #expect(compact == reference)
        }
        // Whatever the fast path declines, the verifier still gets JSONDecoder's answer.
        let segment = Array(Base64URL.encode(bytes).utf8)
        #expect((try? AccessTokenVerifier.decodeClaims(segment[...])) == reference)
    }

    /// Both kinds of token auth issues (bearer: `client_id` `native`; cookie: `web` and `csrf`), and one
    /// from before `client_id` existed, are read by the fast path.
    @Test func genuineClaimsTakeTheFastPath() throws {
        for (csrf, clientID) in [(nil, "native"), ("q2Ck3M4q0bq3yR1r6b8tOQw2lHn3mV0Qv9q2XcJ0wX8", "web"), (nil, nil)] as [(String?, String?)] {
            let claims = AccessTokenClaims(
                issuer: "latchkey",
                audience: ["notes", "profile"],
                subject: UUID(),
                sessionID: UUID(),
                tokenID: UUID(),
                issuedAt: 1_750_000_000,
                notBefore: 1_750_000_000,
                expiresAt: 1_750_000_300,
                clientID: clientID,
                csrfHash: csrf
            )
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            let json = Array(try encoder.encode(claims))
            #expect(json.withUnsafeBufferPointer { AccessTokenClaims(compact: $0) } == claims)
        }
    }

    static let headers: [String] = [
        #"{"alg":"EdDSA","kid":"abc","typ":"at+jwt"}"#, #"{"alg":"EdDSA","typ":"at+jwt","kid":"abc","crit":["exp"]}"#,
        #"{"alg":1,"typ":"at+jwt","kid":"abc"}"#, #"{"alg":"EdDSA","typ":"at+jwt","kid":7}"#, #"{"alg":"EdDSA","alg":"none"}"#,
        #"{"alg":"EdDSA","typ":"at+jwt","kid":"abc","jwk":{"kty":"OKP"}}"#, #"{"alg":"ED\u0044SA","typ":"at+jwt","kid":"a"}"#,
        #"{"alg":null,"typ":"at+jwt","kid":"a"}"#, #" {"alg":"EdDSA"}"#, "{}", "[]", "", #"{"kid":""}"#,
        #"{"alg":"EdDSA","typ":"at+jwt","kid":"a","n":99999999999999999999}"#, #"{"alg":-9999999999999999999999,"kid":"a"}"#,
    ]

    @Test(arguments: headers)
    func headersDecodeAsJSONDecoderDecodes(_ json: String) {
        let bytes = Array(json.utf8)
        let decoded = JOSEHeader.decode(bytes, decoder: JSONDecoder())
        let reference = try? JSONDecoder().decode(JOSEHeader.self, from: Data(bytes))
        #expect(decoded?.names.sorted() == reference?.names.sorted())
        #expect(decoded?.alg == reference?.alg)
        #expect(decoded?.typ == reference?.typ)
        #expect(decoded?.kid == reference?.kid)
    }
}
