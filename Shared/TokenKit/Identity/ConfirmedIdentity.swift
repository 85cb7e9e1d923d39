import Foundation

/// A caller whose session `auth` confirmed active during this very request.
///
/// Only TokenKitHummingbird's `SessionConfirmationMiddleware` can make one (the initializer is `package`: no adopting
/// service can), so a handler that takes a `ConfirmedRequestContext` cannot run without that check.
public struct ConfirmedIdentity: Sendable {
    /// The locally verified identity that was confirmed.
    public let local: LocalIdentity

    package init(confirming local: LocalIdentity) {
        self.local = local
    }

    /// The user id (`sub`).
    public var userID: UUID { self.local.userID }
    /// The session id (`sid`).
    public var sessionID: UUID { self.local.sessionID }
}
