import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import TestSupport
import Testing

/// The bcrypt queue is bounded and fair: when it is full a request is refused at once with 503
/// instead of waiting without bound, and a login never waits behind a flood of sign-ups.
@Suite struct HashingQueueTests {
    /// `BCRYPT_QUEUE_MAX=1` at cost 12: of 30 sign-ups at once, those that find the queue full get
    /// 503 `auth-unavailable` with `Retry-After`, answered while the admitted ones still hash, and
    /// create nothing.
    @Test func fullQueueAnswers503AtOnce() async throws {
        try await TestApp.run(["BCRYPT_COST": "12", "BCRYPT_QUEUE_MAX": "1"]) { api in
            let users = (0..<30).map { _ in TestUser.unique("queue-full") }
            let finished = Locked<[Int]>([])
            let responses = try await concurrently(users.count) { index in
                let response = try await api.signUp(email: users[index].email, password: users[index].password)
                finished.withLock { $0.append(index) }
                return response
            }
            #expect(responses.count(201) + responses.count(503) == users.count)
            #expect(responses.count(503) > 0)
            let order = finished.withLock { $0 }
            let lastCreated = try #require(order.lastIndex { responses[$0].status == .created })
            for (index, response) in responses.enumerated() where response.status == .serviceUnavailable {
                _ = expectProblem(response, .authUnavailable)
                #expect((response.headers[.retryAfter].flatMap { Int($0) } ?? 0) > 0)
                #expect(try await StoredState.accountCount(email: users[index].email) == 0)
                // Refused without waiting for a hash: before the last admitted sign-up was done.
                #expect(try #require(order.firstIndex(of: index)) < lastCreated)
            }
        }
    }

    /// A login sent while 40 sign-ups wait for the hashing threads is checked before them: it
    /// answers after at most the hashes already running, not after the whole queue.
    @Test func loginOvertakesASignUpFlood() async throws {
        try await TestApp.run(["BCRYPT_COST": "10", "BCRYPT_QUEUE_MAX": "64"]) { api in
            let user = try await api.newUser("flood-login")
            let finished = Locked<[String]>([])
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<40 {
                    group.addTask {
                        let newcomer = TestUser.unique("flood")
                        let response = try await api.signUp(email: newcomer.email, password: newcomer.password)
                        #expect(response.status == .created)
                        finished.withLock { $0.append("signup-\(index)") }
                    }
                }
                // Once the sign-ups queue up behind the hashing threads, log in.
                while finished.withLock({ $0.count }) < 2 { try await Task.sleep(for: .milliseconds(2)) }
                group.addTask {
                    let response = try await api.logIn(email: user.email, password: user.password)
                    #expect(response.status == .created)
                    finished.withLock { $0.append("login") }
                }
                try await group.waitForAll()
            }
            let order = finished.withLock { $0 }
            let position = try #require(order.firstIndex(of: "login"))
            // FIFO would put it behind the ~38 sign-ups still waiting. First in its lane, it waits only for the
            // hash running when it arrived; but its own database round trips (limit reservation, account, session)
            // take wall-clock time during which sign-ups keep finishing, one per hash: under the full suite's load
            // that was 10 of them (seen once with a bound of 8). Half the flood separates the two orders with room.
            #expect(position < 20, "the login finished after \(position) of 40 sign-ups")
        }
    }
}
