import Hummingbird
import HummingbirdAuth
import TokenKit
import TokenKitHummingbird

/// The request context of the test service: it carries both levels of trust, as a real service's does.
struct TestIdentityContext: IdentityRequestContext {
    var coreContext: CoreRequestContextStorage
    var identity: LocalIdentity?
    var confirmedIdentity: ConfirmedIdentity?

    init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
    }
}
