import Hummingbird
import HummingbirdAuth
import NIOCore
import TokenKit

/// The context of a route that requires a locally verified caller: reads.
///
/// Creating it from a parent without an identity fails with 401 `token-missing`.
public struct AuthenticatedRequestContext<Parent: IdentityRequestContext>: ChildRequestContext, RemoteAddressRequestContext {
    public typealias ParentContext = Parent
    public var coreContext: CoreRequestContextStorage
    /// The caller, verified locally.
    public let identity: LocalIdentity
    public let maxUploadSize: Int
    /// The peer address, when the parent context knows it.
    public let remoteAddress: SocketAddress?

    public init(context: Parent) throws {
        guard let identity = context.identity else { throw AccessDenied.tokenMissing }
        self.coreContext = context.coreContext
        self.identity = identity
        self.maxUploadSize = context.maxUploadSize
        self.remoteAddress = (context as? any RemoteAddressRequestContext)?.remoteAddress
    }
}
