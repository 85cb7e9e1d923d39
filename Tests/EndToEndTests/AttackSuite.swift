import Testing

/// The attack list of DESIGN.md, and more, against the three real services on one stack of their
/// own (so that the login-failure counters and revocations of these tests disturb no other suite).
///
/// Each nested suite lives in its own file as an extension of this type; their tests run in
/// parallel and use accounts of their own. Every answer is checked for its status and problem
/// `type`, for leaks (``ResponseHygiene``), and the victim's rows in the databases are compared
/// before and after (``UserSnapshot``).
///
/// Serialized: the other end-to-end suites run beside this one and time things (a revocation must
/// reach reads within 1 s), so these hundred-odd cases go one at a time rather than all at once on
/// a 2-core machine.
@Suite("Attacks", .sharedServiceStack, .serialized, .serviceLogsOnFailure, .timeLimit(.minutes(3)))
struct AttackSuite {}
