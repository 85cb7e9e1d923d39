import Foundation

/// The lifetimes that govern sessions and tokens, from the settings.
struct SessionPolicy: Sendable {
    let accessTokenTTL: Int
    let refreshIdleTTL: TimeInterval
    let refreshAbsoluteTTL: TimeInterval
    let refreshReuseGrace: TimeInterval
    let selfReissueWindow: Int

    init(settings: AuthSettings) {
        self.accessTokenTTL = settings.accessTokenTTL
        self.refreshIdleTTL = TimeInterval(settings.refreshIdleTTL)
        self.refreshAbsoluteTTL = TimeInterval(settings.refreshAbsoluteTTL)
        self.refreshReuseGrace = TimeInterval(settings.refreshReuseGrace)
        self.selfReissueWindow = settings.selfReissueWindow
    }
}
