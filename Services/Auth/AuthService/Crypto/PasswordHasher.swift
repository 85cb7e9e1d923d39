import Crypto
import Foundation
import HummingbirdBcrypt
import NIOPosix

/// bcrypt on NIO's thread pool, never on an event loop.
///
/// Passwords are first reduced to base64(SHA-256(password)), 44 ASCII bytes, because bcrypt reads
/// only 72 bytes and stops at NUL: without it, two long passwords sharing a prefix would match.
struct PasswordHasher: Sendable {
    let cost: Int
    private let threadPool: NIOThreadPool

    init(cost: Int, threadPool: NIOThreadPool = .singleton) {
        self.cost = cost
        self.threadPool = threadPool
    }

    func hash(_ password: String) async throws -> String {
        let input = Self.prehash(password)
        let cost = UInt8(self.cost)
        return try await self.threadPool.runIfActive { Bcrypt.hash(input, cost: cost) }
    }

    func verify(_ password: String, against hash: String) async throws -> Bool {
        let input = Self.prehash(password)
        return try await self.threadPool.runIfActive { Bcrypt.verify(input, hash: hash) }
    }

    static func prehash(_ password: String) -> String {
        Data(SHA256.hash(data: Array(password.utf8))).base64EncodedString()
    }
}
