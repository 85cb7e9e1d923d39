import Hummingbird
import HummingbirdAuth
import NIOCore
import TokenKit
import TokenKitHummingbird

/// The request context of every Latchkey service: the caller's identity at both levels of trust,
/// the peer address, and a 256 KiB body limit.
public struct ServiceRequestContext: IdentityRequestContext, RemoteAddressRequestContext {
    /// Bodies over this size are refused with 413.
    public static let maximumBodySize = 256 * 1024

    public var coreContext: CoreRequestContextStorage
    public var identity: LocalIdentity?
    public var confirmedIdentity: ConfirmedIdentity?
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.identity = nil
        self.confirmedIdentity = nil
        self.remoteAddress = source.channel.remoteAddress
    }

    public var maxUploadSize: Int { Self.maximumBodySize }
}
