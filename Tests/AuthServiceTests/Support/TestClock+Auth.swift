import AuthService
import TestSupport

extension TestClock {
    /// The clock in the form `buildApplication` takes.
    var authClock: AuthClock {
        AuthClock { [self] in self.now }
    }
}
