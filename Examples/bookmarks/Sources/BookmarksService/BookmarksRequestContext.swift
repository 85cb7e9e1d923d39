import Hummingbird
import TokenKit
import TokenKitHummingbird

/// The request context: room for the caller at both levels of trust, which TokenKit's middleware
/// fills in (`LocalIdentity` after local verification, `ConfirmedIdentity` after introspection).
public struct BookmarksRequestContext: IdentityRequestContext {
    /// Bodies over this size are refused with 413.
    public static let maximumBodySize = 16 * 1024

    public var coreContext: CoreRequestContextStorage
    public var identity: LocalIdentity?
    public var confirmedIdentity: ConfirmedIdentity?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
    }

    public var maxUploadSize: Int { Self.maximumBodySize }
}
