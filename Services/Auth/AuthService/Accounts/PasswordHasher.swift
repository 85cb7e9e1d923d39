import Crypto
import Foundation
import HummingbirdBcrypt
import NIOCore
import NIOPosix

#if canImport(Glibc)
import Glibc
#endif

/// bcrypt on its own thread pool, never on an event loop, at a low scheduling priority.
///
/// Passwords are first reduced to base64(SHA-256(password)), 44 ASCII bytes, because bcrypt reads
/// only 72 bytes and stops at NUL: without it, two long passwords sharing a prefix would match.
///
/// During a login storm hashing must not take the machine: there is one hashing thread less than there
/// are cores (at least one), so a core is always left for serving, and those threads run at nice 10, so
/// they also yield the rest to requests. Hashes wait in a bounded ``HashingQueue`` instead, logins first. Measured with `make bench` (login storm)
/// on 2 cores: with a thread per core, even at nice 10, safe reads of a neighbouring service had a p99 of
/// hundreds of milliseconds during and just after a storm; with one core left free they keep their idle p99.
struct PasswordHasher: Sendable {
    let cost: Int
    private let threadPool: NIOThreadPool
    private let queue: HashingQueue

    /// - Parameter queueCapacity: how many hashes may wait in each lane of the ``HashingQueue``
    ///   (`BCRYPT_QUEUE_MAX`).
    init(cost: Int, queueCapacity: Int, threadPool: NIOThreadPool = PasswordHasher.hashingThreads) {
        self.cost = cost
        self.threadPool = threadPool
        self.queue = HashingQueue(workers: Self.hashingThreadCount, capacity: queueCapacity)
    }

    /// One thread per core but one (at least one).
    static let hashingThreadCount = max(1, System.coreCount - 1)

    /// The hashing threads, for the life of the process.
    static let hashingThreads: NIOThreadPool = {
        let pool = NIOThreadPool(numberOfThreads: hashingThreadCount)
        pool.start()
        return pool
    }()

    /// The niceness of the hashing threads (0 is normal, 19 the lowest priority).
    static let hashingNiceness: Int32 = 10

    /// A new hash of `password` at the configured cost (the creation lane).
    func hash(_ password: String) async throws -> String {
        let input = Self.prehash(password)
        let cost = UInt8(self.cost)
        return try await self.run(in: .creation) { Bcrypt.hash(input, cost: cost) }
    }

    /// Whether `password` matches `hash` (the verification lane, ahead of new hashes).
    func verify(_ password: String, against hash: String) async throws -> Bool {
        let input = Self.prehash(password)
        return try await self.run(in: .verification) { Bcrypt.verify(input, hash: hash) }
    }

    /// Whether `hash` was made at another cost than the configured one: after `BCRYPT_COST` changes,
    /// a login rehashes, so that known e-mails (old cost) and unknown ones (the dummy hash, new cost)
    /// keep answering in the same time.
    func needsRehash(_ hash: String) -> Bool {
        // "$2b$12$<salt and hash>": the cost is the third field.
        let fields = hash.split(separator: "$", omittingEmptySubsequences: true)
        return fields.count < 3 || Int(fields[1]) != self.cost
    }

    private func run<Value: Sendable>(in lane: HashingQueue.Lane, _ work: @escaping @Sendable () -> Value) async throws -> Value {
        try await self.queue.enter(lane)
        do {
            let value = try await self.threadPool.runIfActive {
                Self.lowerPriorityOfThisThread()
                return work()
            }
            await self.queue.leave()
            return value
        } catch {
            await self.queue.leave()
            throw error
        }
    }

    static func prehash(_ password: String) -> String {
        Data(SHA256.hash(data: Array(password.utf8))).base64EncodedString()
    }

    /// On Linux the nice value belongs to the thread, and `who` 0 is the calling thread; one cheap system
    /// call next to a hash of many milliseconds.
    private static func lowerPriorityOfThisThread() {
        #if os(Linux)
        _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, Self.hashingNiceness)
        #endif
    }
}
