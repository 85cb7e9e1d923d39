import Hummingbird
import HummingbirdAuth

/// The context of a route that requires a locally verified caller: reads.
///
/// Creating it from a parent without an identity fails with 401 `token-missing`.
public struct AuthenticatedRequestContext<Parent: IdentityRequestContext>: ChildRequestContext {
    public typealias ParentContext = Parent
    public var coreContext: CoreRequestContextStorage
    /// The caller, verified locally.
    public let identity: LocalIdentity
    public let maxUploadSize: Int

    public init(context: Parent) throws {
        guard let identity = context.identity else { throw BearerChallenge.missingTokenProblem() }
        self.coreContext = context.coreContext
        self.identity = identity
        self.maxUploadSize = context.maxUploadSize
    }
}
