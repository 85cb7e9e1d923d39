import Dispatch
import Foundation
import Synchronization

/// `latchkey-bench`: the in-process verification benchmark, and the parts of `make bench` that need a
/// Swift HTTP client (seeding the stack, refresh rotations, revocation reach) or Swift at all (the report).
/// `Scripts/bench.sh` drives it; `latchkey-bench help` lists the commands.
///
/// The main thread waits on a semaphore rather than being an async `main`: an async `main` parks the main
/// thread in `dispatch_main`'s `sigsuspend` on a read-only mask, which Valgrind 3.19 cannot run, and
/// `valgrind --tool=callgrind latchkey-bench verify ...` is how verification is profiled. The work runs in a
/// detached task: top-level code is on the main actor, which the waiting main thread never gives up.
let arguments = Array(CommandLine.arguments.dropFirst())
let command = arguments.first ?? "help"
let status = Mutex<Int32>(0)
let finished = DispatchSemaphore(value: 0)

Task.detached {
    defer { finished.signal() }
    var options = Options(Array(arguments.dropFirst()))
    do {
        switch command {
        case "verify":
            try await VerifyBenchmark(options: &options).run()
        case "seed":
            try await Seeder(options: &options).run()
        case "refresh":
            try await RefreshBenchmark(options: &options).run()
        case "reach":
            try await ReachBenchmark(options: &options).run()
        case "report":
            try Report(options: &options).run()
        case "probe":
            try await ProbeCommand(options: &options).run()
        default:
            print(
                """
                usage: latchkey-bench COMMAND [--name value ...]
                  verify  --out FILE [--seconds 1] [--rounds 3] [--tokens 1000] [--only raw|full|miss|hit]
                          TokenKit verify vs raw Ed25519, in process
                  seed    --auth URL --notes URL --profile URL --users N --out FILE
                          [--storm-auth URL --storm-users N --storm-out FILE]   accounts, sessions, one note each
                  refresh --auth URL --tokens FILE --out FILE [--seconds 3] [--rounds 3] [--concurrency 16]
                  reach   --auth URL --login-auth URL --notes URL --tokens FILE --out FILE [--samples 40]
                  report  --raw FILE --meta FILE --markdown FILE --json FILE
                  probe   --url INTROSPECT_URL --credentials ID:SECRET --token JWT [--count 2000]
                          one client's introspection latency, async vs future API of AsyncHTTPClient
                """
            )
            if command != "help" { status.withLock { $0 = 2 } }
        }
    } catch {
        FileHandle.standardError.write(Data("latchkey-bench \(command): \(error)\n".utf8))
        status.withLock { $0 = 1 }
    }
}
finished.wait()
exit(status.withLock { $0 })
