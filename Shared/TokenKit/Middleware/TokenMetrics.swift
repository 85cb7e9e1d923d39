import Metrics

/// The metrics TokenKit records, with their names in one place.
enum TokenMetrics {
    /// Counts access-token verifications by result (`valid`, `expired`, or the invalid reason).
    static func recordVerification(_ result: String) {
        Counter(label: "latchkey_token_verifications_total", dimensions: [("result", result)]).increment()
    }

    /// Counts session confirmations by outcome (`active`, `inactive`, `unavailable`).
    static func recordConfirmation(_ outcome: String) {
        Counter(label: "latchkey_session_confirmations_total", dimensions: [("outcome", outcome)]).increment()
    }
}
