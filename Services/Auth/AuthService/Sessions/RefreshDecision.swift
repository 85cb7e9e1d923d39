/// What a refresh attempt turned out to be, decided with the session row locked.
enum RefreshDecision: Sendable {
    /// The current token: the session moved to the next generation.
    case rotated(SessionRecord)
    /// The previous token inside its grace window: answer with the current successor again.
    case graceRetry(SessionRecord)
    /// An older token, or the previous one after its grace: the session was revoked.
    case theft(SessionRecord)
    /// The session was already revoked or expired.
    case ended
    /// No such session (or a generation the session never reached): nothing was changed.
    case unknown
    /// A cookie-borne token without a matching CSRF token: nothing was changed.
    case csrfFailed
}
