import HummingbirdAuth
import TokenKit

/// A request context that can carry both levels of trust, filled in by TokenKit's middleware.
public protocol IdentityRequestContext: AuthRequestContext<LocalIdentity> {
    /// Set only by ``SessionConfirmationMiddleware``.
    var confirmedIdentity: ConfirmedIdentity? { get set }
}
