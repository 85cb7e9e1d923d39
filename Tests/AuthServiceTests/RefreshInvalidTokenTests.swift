import Foundation
import HTTPTypes
import HummingbirdTesting
import TestSupport
import Testing

/// Refresh tokens that are garbled, forged or unknown: 401 `refresh-token-invalid`, nothing revoked.
@Suite struct RefreshInvalidTokenTests {
    /// How a presented token is made from a genuine one.
    enum Mutation: String, Sendable, CaseIterable {
        case garbled
        case flippedNearStart
        case flippedNearEnd
        case truncated
        case extended
        case empty
        case random
        case accessToken

        /// The token to present, derived from the session's genuine tokens.
        func apply(to session: BearerSession) -> String {
            let token = session.refreshToken
            switch self {
            case .garbled: return "this is not a refresh token"
            case .flippedNearStart: return Self.flip(token, at: 3)
            case .flippedNearEnd: return Self.flip(token, at: token.count - 3)
            case .truncated: return String(token.dropLast())
            case .extended: return token + "A"
            case .empty: return ""
            case .random:
                let alphabet = Array(Base64URLText.alphabet)
                return String((0..<token.count).map { _ in alphabet.randomElement()! })
            case .accessToken: return session.accessToken
            }
        }

        /// `token` with the character at `offset` replaced by another base64url character.
        static func flip(_ token: String, at offset: Int) -> String {
            var characters = Array(token)
            characters[offset] = characters[offset] == "A" ? "B" : "A"
            return String(characters)
        }
    }

    /// Each bad token is refused with 401 `refresh-token-invalid` (no challenge header), and the
    /// session still works: its access token and its genuine refresh token.
    @Test(arguments: Mutation.allCases)
    func refusedWithoutRevoking(_ mutation: Mutation) async throws {
        try await TestApp.run { api in
            let (_, session) = try await api.loggedInUser("invalid-refresh")
            let presented = mutation.apply(to: session)
            #expect(presented != session.refreshToken)
            let response = try await api.refresh(presented)
            expectProblem(response, .refreshTokenInvalid)
            #expect(response.headers[.wwwAuthenticate] == nil)
            #expect(presented.isEmpty || !response.text.contains(presented))
            #expect(try await StoredState.session(id: session.sessionID)?.revoked == false)
            #expect(try await api.isActive(session.accessToken))
            _ = try await api.rotate(session.refreshToken)
        }
    }

    /// A body without a token and without a refresh cookie is `refresh-token-invalid`.
    @Test func noTokenAtAll() async throws {
        try await TestApp.run { api in
            expectProblem(try await api.send(.post, "/v1/sessions/refresh"), .refreshTokenInvalid)
            expectProblem(try await api.sendJSON(.post, "/v1/sessions/refresh", fields: [:]), .refreshTokenInvalid)
        }
    }
}
