import Hummingbird
import HummingbirdAuth
import TokenKit

extension RouterMethods where Context: IdentityRequestContext {
    /// A group for safe requests: the token is verified locally, nothing else is asked.
    public func authenticatedGroup(
        _ path: RouterPath = "",
        authenticator: AccessTokenAuthenticator<Context>
    ) -> RouterGroup<AuthenticatedRequestContext<Context>> {
        self.group(path)
            .add(middleware: authenticator)
            .group(context: AuthenticatedRequestContext<Context>.self)
    }

    /// A group for dangerous requests: verified locally, then the session is confirmed with
    /// `checker` in every request before the handler runs.
    public func confirmedGroup(
        _ path: RouterPath = "",
        authenticator: AccessTokenAuthenticator<Context>,
        checker: any SessionStatusChecker
    ) -> RouterGroup<ConfirmedRequestContext<Context>> {
        self.group(path)
            .add(middleware: authenticator)
            .add(middleware: SessionConfirmationMiddleware<Context>(checker: checker))
            .group(context: ConfirmedRequestContext<Context>.self)
    }
}
