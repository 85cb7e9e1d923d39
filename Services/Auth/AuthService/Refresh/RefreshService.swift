import Foundation
import Logging
import Metrics
import PostgresNIO
import ServiceSupport
import TokenKit
import TokenKitHummingbird

/// Rotates refresh tokens, atomically, with the contract's retry and theft rules.
///
/// The token names its session and generation. With the session row locked (`FOR UPDATE`):
/// the current generation rotates; the previous one within `REFRESH_REUSE_GRACE_SECONDS` of its
/// first rotation is a retry and gets the current successor, re-encoded, so the chain never forks;
/// anything older is theft and revokes that session alone. Parallel refreshes with one token
/// serialize on the lock: the first rotates, the rest are retries of it.
struct RefreshService: Sendable {
    let client: PostgresClient
    let sessions: SessionRepository
    let revocations: RevocationRepository
    let codec: RefreshTokenCodec
    let events: SecurityEventRepository
    let issuer: TokenIssuer
    let policy: SessionPolicy
    let clock: AuthClock
    let logger: Logger

    /// The outcome a client sees: new tokens, or a problem after which the transaction has committed.
    func refresh(token: String, csrf: CSRFEvidence?, transport: TokenTransport, origin: EventOrigin) async throws -> IssuedTokens {
        guard let contents = self.codec.decode(token) else {
            Self.count("invalid")
            throw Problem(.refreshTokenInvalid, detail: "The refresh token is not valid; log in again.")
        }
        let decision = try await self.client.withTransaction(logger: self.logger) { connection in
            try await self.decide(contents, csrf: csrf, origin: origin, on: connection)
        }
        switch decision {
        case .rotated(let session):
            Self.count("rotated")
            return try await self.issuer.tokens(for: session, transport: transport)
        case .graceRetry(let session):
            Self.count("grace_retry")
            return try await self.issuer.tokens(for: session, transport: transport)
        case .theft(let session):
            Self.count("theft")
            self.logger.warning(
                "Refresh token reuse; session revoked",
                metadata: ["user.id": "\(session.accountID)", "session.id": "\(session.id)"]
            )
            throw Problem(.sessionEnded, detail: "This refresh token was already used; the session has been ended.")
        case .ended:
            Self.count("ended")
            throw Problem(.sessionEnded, detail: "The session has ended; log in again.")
        case .unknown:
            Self.count("invalid")
            throw Problem(.refreshTokenInvalid, detail: "The refresh token is not valid; log in again.")
        case .csrfFailed:
            Self.count("csrf_failed")
            throw AccessDenied.csrfFailed
        }
    }

    private func decide(
        _ contents: RefreshTokenCodec.Contents,
        csrf: CSRFEvidence?,
        origin: EventOrigin,
        on connection: PostgresConnection
    )
        async throws -> RefreshDecision
    {
        guard var session = try await self.sessions.lockForUpdate(id: contents.sessionID, on: connection),
            contents.generation <= session.refreshGeneration
        else { return .unknown }
        // Read after the row lock is ours: a rotation that waited on the lock is stamped when it
        // happens, so a genuine retry inside the grace is not taken for theft.
        let now = self.clock.now()
        if let csrf, !csrf.matches(storedHash: session.csrfHash) { return .csrfFailed }
        guard session.isActive(at: now) else { return .ended }
        session.lastUsedAt = max(session.lastUsedAt, now)
        session.idleExpiresAt = max(session.idleExpiresAt, now.addingTimeInterval(self.policy.refreshIdleTTL))
        if contents.generation == session.refreshGeneration {
            session.refreshGeneration += 1
            session.generationStartedAt = now
            try await self.sessions.advance(session, on: connection)
            return .rotated(session)
        }
        let isPrevious = contents.generation == session.refreshGeneration - 1
        if isPrevious, now.timeIntervalSince(session.generationStartedAt) <= self.policy.refreshReuseGrace {
            try await self.sessions.touch(session, on: connection)
            return .graceRetry(session)
        }
        try await self.revocations.revoke(sessionID: session.id, reason: .refreshTokenReuse, now: now, on: connection)
        // The owner sees it in their security events: where the reused token came from, and when.
        try await self.events.record(.refreshReuse, accountID: session.accountID, origin: origin.with(sessionID: session.id), at: now, on: connection)
        return .theft(session)
    }

    private static let outcomes = OutcomeCounters(
        label: "latchkey_refreshes_total",
        outcomes: ["rotated", "grace_retry", "theft", "ended", "invalid", "csrf_failed"]
    )

    private static func count(_ outcome: String) {
        self.outcomes.increment(outcome)
    }
}

/// What a refresh attempt turned out to be, decided with the session row locked.
enum RefreshDecision: Sendable {
    /// The current token: the session moved to the next generation.
    case rotated(SessionRecord)
    /// The previous token inside its grace window: answer with the current successor again.
    case graceRetry(SessionRecord)
    /// An older token, or the previous one after its grace: the session was revoked.
    case theft(SessionRecord)
    /// The session was already revoked or expired.
    case ended
    /// No such session (or a generation the session never reached): nothing was changed.
    case unknown
    /// A cookie-borne token without a matching CSRF token: nothing was changed.
    case csrfFailed
}
