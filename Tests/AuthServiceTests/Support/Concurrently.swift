import HTTPTypes
import HummingbirdTesting

/// Sends `count` requests at once (each its own task) and returns the answers in index order.
///
/// The limits must hold when the attempts arrive together, not only one after another; this is how
/// the tests make them arrive together.
func concurrently(_ count: Int, _ request: @escaping @Sendable (Int) async throws -> TestResponse) async throws -> [TestResponse] {
    try await withThrowingTaskGroup(of: (Int, TestResponse).self) { group in
        for index in 0..<count {
            group.addTask { (index, try await request(index)) }
        }
        var responses: [TestResponse?] = Array(repeating: nil, count: count)
        for try await (index, response) in group {
            responses[index] = response
        }
        return responses.map { $0! }
    }
}

extension Array where Element == TestResponse {
    /// How many answers have this status code.
    func count(_ code: Int) -> Int {
        self.filter { $0.status.code == code }.count
    }
}
