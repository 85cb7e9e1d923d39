import Hummingbird
import HummingbirdAuth
import NIOCore
import TokenKit

/// The context of a route that requires a caller whose session `auth` confirmed in this request:
/// writes and token re-issue. Its only identity is a `ConfirmedIdentity` (TokenKit).
public struct ConfirmedRequestContext<Parent: IdentityRequestContext>: ChildRequestContext, RemoteAddressRequestContext {
    public typealias ParentContext = Parent
    public var coreContext: CoreRequestContextStorage
    /// The caller, confirmed active by `auth`.
    public let identity: ConfirmedIdentity
    public let maxUploadSize: Int
    /// The peer address, when the parent context knows it.
    public let remoteAddress: SocketAddress?

    public init(context: Parent) throws {
        guard let confirmed = context.confirmedIdentity else {
            // Reached only when a route group skips the confirmation middleware: fail closed.
            if context.identity == nil { throw AccessDenied.tokenMissing }
            throw AccessDenied.notConfirmed
        }
        self.coreContext = context.coreContext
        self.identity = confirmed
        self.maxUploadSize = context.maxUploadSize
        self.remoteAddress = (context as? any RemoteAddressRequestContext)?.remoteAddress
    }
}
