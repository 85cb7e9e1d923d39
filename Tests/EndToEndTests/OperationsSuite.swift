import Testing

/// The operators' end-to-end suites (account deletion, the admin API and `auth admin`, request ids,
/// operator metrics). Each of their tests starts a stack of its own, because it stops a service, ends
/// every session, or runs the services at another log level; here they run one test at a time, so that
/// they add one stack, not seven, to the full suite's start, where every other suite's timing (a
/// revocation reaching reads within a second) competes with them for the machine's two cores.
@Suite("Operations, one stack at a time", .serialized)
struct OperationsSuite {}
