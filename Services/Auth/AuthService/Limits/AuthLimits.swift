import Foundation
import Logging
import PostgresNIO

/// The attempt limits of the auth service, built once from the settings: the login failure limits
/// (which also count `current_password` guesses) and the sign-up limit.
struct AuthLimits: Sendable {
    let logins: LoginThrottle
    let signUps: SignUpThrottle

    init(settings: AuthSettings, client: PostgresClient, logger: Logger) {
        self.logins = LoginThrottle(
            client: client,
            perEmail: settings.loginFailuresPerEmail,
            perClient: settings.loginFailuresPerClient,
            window: TimeInterval(settings.loginFailureWindow),
            logger: logger
        )
        self.signUps = SignUpThrottle(
            client: client,
            limit: SlidingWindowLimit(limit: settings.signUpsPerClient, window: TimeInterval(settings.signUpWindow)),
            logger: logger
        )
    }

    /// Deletes the attempts that no longer count towards any limit.
    func prune(now: Date) async throws {
        try await self.logins.repository.prune(before: self.logins.perEmail.start(at: now))
        try await self.signUps.prune(before: self.signUps.limit.start(at: now))
    }
}
