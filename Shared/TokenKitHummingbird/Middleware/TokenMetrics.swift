import Metrics
import TokenKit

/// The metrics TokenKit records, with their names in one place.
///
/// The counters of the outcomes every request has (`valid`, `active`) are made once, on first use (after
/// the executable has bootstrapped its metrics backend), rather than looked up in the backend's registry
/// on every request; the rarer outcomes are looked up when they happen.
enum TokenMetrics {
    static let verificationsLabel = "latchkey_token_verifications_total"
    static let confirmationsLabel = "latchkey_session_confirmations_total"

    private static let valid = Counter(label: verificationsLabel, dimensions: [("result", "valid")])
    private static let active = Counter(label: confirmationsLabel, dimensions: [("outcome", "active")])

    /// Counts access-token verifications by result (`valid`, `expired`, or the invalid reason).
    static func recordVerification(_ result: String) {
        if result == "valid" {
            self.valid.increment()
        } else {
            Counter(label: verificationsLabel, dimensions: [("result", result)]).increment()
        }
    }

    /// Counts session confirmations by outcome (`active`, `inactive`, `unavailable`).
    static func recordConfirmation(_ outcome: String) {
        if outcome == "active" {
            self.active.increment()
        } else {
            Counter(label: confirmationsLabel, dimensions: [("outcome", outcome)]).increment()
        }
    }
}
