import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import TestSupport
import Testing

/// A login whose password check began before a password change committed must not leave a session
/// behind it: a thief who knows the old password loses the account when the owner changes it.
@Suite struct LoginRaceTests {
    /// Four clients log in with the old password in a loop while the owner changes it. Afterwards no
    /// session made with the old password can refresh; the owner's own goes on.
    @Test func loginRacingAPasswordChangeCannotOutliveIt() async throws {
        // A slower hash widens the window between a login's password check and its session insert.
        try await TestApp.run(["BCRYPT_COST": "8"]) { api in
            let (user, owner) = try await api.loggedInUser("race")
            let stolen = Locked<[BearerSession]>([])
            let changed = Locked(false)
            let loginsAfterChange = Locked(0)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<4 {
                    group.addTask {
                        // Until the clients have seen a few answers after the change committed (bounded,
                        // so that a change that never commits fails the test instead of hanging it).
                        for _ in 0..<500 where loginsAfterChange.value < 8 {
                            let response = try await api.logIn(email: user.email, password: user.password)
                            if changed.value { loginsAfterChange.withLock { $0 += 1 } }
                            if response.status == .created {
                                let session = try BearerSession(response.json())
                                stolen.withLock { $0.append(session) }
                            }
                        }
                    }
                }
                // Let some logins succeed first, then change while they keep coming.
                while stolen.withLock({ $0.count }) < 3 { try await Task.sleep(for: .milliseconds(5)) }
                let response = try await PasswordChangeTests.change(api, owner, current: user.password, new: "the owner's new password")
                #expect(response.status == .noContent)
                changed.withLock { $0 = true }
                try await group.waitForAll()
            }
            let sessions = stolen.value
            #expect(sessions.count >= 3)
            for session in sessions {
                let refresh = try await api.refresh(session.refreshToken)
                #expect(refresh.status == .unauthorized, "a session made with the old password survived the change")
            }
            #expect(try await api.isActive(owner.accessToken))
        }
    }
}
