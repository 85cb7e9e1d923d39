import Testing
import TokenKit

@testable import TokenKitHummingbird

/// The `Authorization` parser of ``PresentedAccessToken``: the ASCII fast path gives exactly what the
/// general (Foundation) path gives, for every shape of value a client or an attacker might send.
struct PresentedAccessTokenTests {
    static let values: [String] = [
        "Bearer abc.def.ghi", "bearer abc", "BEARER abc", "BeArEr abc", "Bearer", "Bearer ", "Bearer  ", "Bearer \t",
        "Bearer  abc", "Bearer abc ", "Bearer \tabc\t ", "Bearer abc def", "  Bearer abc", "Bearer\tabc", "Bearerabc",
        "Bearer2 abc", "Beare abc", "Basic dXNlcjpwYXNz", "", " ", "\t", "B", "bearer x y  ", "Bearer \u{00A0}abc\u{00A0}",
        "Bearer é", "Bëarer abc", "Bearer a\u{3000}",
    ]

    @Test(arguments: values)
    func fastPathMatchesGeneralPath(_ value: String) {
        #expect(PresentedAccessToken.bearerToken(value) == PresentedAccessToken.bearerTokenSlowly(value))
    }

    @Test func readsTheToken() {
        #expect(PresentedAccessToken.bearerToken("Bearer abc.def.ghi") == "abc.def.ghi")
        #expect(PresentedAccessToken.bearerToken("bearer  abc\t") == "abc")
        #expect(PresentedAccessToken.bearerToken("Bearer") == "")
        #expect(PresentedAccessToken.bearerToken("Basic abc") == nil)
    }
}
