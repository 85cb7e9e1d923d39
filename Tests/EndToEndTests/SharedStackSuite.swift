import Testing

/// The end-to-end suites that share one service stack (started once, stopped when they are done).
///
/// Each nested suite lives in its own file as an extension of this type; their tests run in
/// parallel and use unique e-mails. Tests that stop, restart or time a service use a stack of
/// their own instead (see ``withStack(_:startingServices:_:)``).
@Suite("End to end, shared stack", .sharedServiceStack, .serviceLogsOnFailure, .timeLimit(.minutes(3)))
struct SharedStackSuite {}
