import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Runs work with every thread of this process on one core, as `taskset -c 0` pinned the verification
/// benchmark when it was a process of its own: the in-process figures are one core's, whatever else the
/// machine runs. Threads started meanwhile inherit the pinning; afterwards every thread gets the process's
/// own set of cores back. Elsewhere than Linux, or without the calls, the work runs unpinned.
enum CPUPinning {
    static func onOneCore<Result>(_ body: () async throws -> Result) async rethrows -> Result {
        #if os(Linux)
        guard let calls = Affinity.load(), let original = calls.current(), let first = Affinity.firstCPU(in: original) else {
            return try await body()
        }
        var single = [UInt8](repeating: 0, count: original.count)
        single[first / 8] = 1 << UInt8(first % 8)
        calls.applyToEveryThread(single)
        defer { calls.applyToEveryThread(original) }
        return try await body()
        #else
        return try await body()
        #endif
    }
}

#if os(Linux)
/// glibc's `sched_getaffinity` and `sched_setaffinity`, looked up at run time: Swift's Glibc module leaves out
/// the GNU extensions. A CPU set is a bit mask of 1,024 CPUs (glibc's `cpu_set_t`), one byte per eight.
private struct Affinity {
    typealias Call = @convention(c) (pid_t, Int, UnsafeMutableRawPointer) -> Int32

    let get: Call
    let set: Call

    static func load() -> Affinity? {
        guard let get = dlsym(nil, "sched_getaffinity"), let set = dlsym(nil, "sched_setaffinity") else { return nil }
        return Affinity(get: unsafeBitCast(get, to: Call.self), set: unsafeBitCast(set, to: Call.self))
    }

    /// The calling thread's set.
    func current() -> [UInt8]? {
        var mask = [UInt8](repeating: 0, count: 128)
        let result = mask.withUnsafeMutableBytes { self.get(0, $0.count, $0.baseAddress!) }
        return result == 0 ? mask : nil
    }

    /// Sets `mask` on every thread of the process (`/proc/self/task` lists them).
    func applyToEveryThread(_ mask: [UInt8]) {
        var mask = mask
        let threads = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? []
        for thread in threads.compactMap({ pid_t($0) }) {
            _ = mask.withUnsafeMutableBytes { self.set(thread, $0.count, $0.baseAddress!) }
        }
    }

    static func firstCPU(in mask: [UInt8]) -> Int? {
        (0..<(mask.count * 8)).first { mask[$0 / 8] & (1 << UInt8($0 % 8)) != 0 }
    }
}
#endif
