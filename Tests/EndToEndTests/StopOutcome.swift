/// How a child that was asked to stop ended.
enum StopOutcome: Equatable, Sendable {
    /// It exited by itself after SIGTERM, with this status (0: a clean, graceful shutdown).
    case exited(status: Int32)
    /// It was still running when the grace period ran out and was killed with SIGKILL.
    case killed
    /// It had already exited before it was asked.
    case notRunning
}
