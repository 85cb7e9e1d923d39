import Foundation

/// Lays the results out as Markdown tables and as JSON, section by section in the order of the issue.
struct ReportBuilder {
    let results: Results
    let meta: [String: Any]
    private(set) var markdown = ""
    private(set) var targets: [Target] = []
    private var sections: [[String: Any]] = []

    init(results: Results, meta: [String: Any]) {
        self.results = results
        self.meta = meta
    }

    /// A row of a table: which records, and the label a person reads.
    struct Row {
        let bench: String
        let variant: String
        let label: String
    }

    /// A column of a table: which metric and how it is shown.
    struct Column {
        let title: String
        let metric: String
        let format: (Double) -> String
    }

    var jsonObject: [String: Any] {
        [
            "meta": self.meta,
            "sections": self.sections,
            "targets": self.targets.map { target in
                [
                    "id": target.id,
                    "description": target.description,
                    "required": "\(target.comparison.rawValue) \(Self.number(target.required)) \(target.unit)",
                    "comparison": target.comparison == .atLeast ? "at_least" : "at_most",
                    "threshold": target.required,
                    "unit": target.unit,
                    "measured": target.measured?.json ?? NSNull(),
                    "met": target.met.map { $0 as Any } ?? NSNull(),
                ] as [String: Any]
            },
        ]
    }

    mutating func build() {
        self.header()
        self.verification()
        self.reads()
        self.writes()
        self.refreshAndLogin()
        self.memory()
        self.reach()
        self.targetTable()
        self.footer()
    }

    // MARK: Sections

    private mutating func header() {
        let commit = self.meta["commit"] as? String ?? "unknown"
        let dirty = (self.meta["dirty"] as? Bool) == true ? " (with uncommitted changes)" : ""
        self.line("# Latchkey benchmarks")
        self.line("")
        self.line("Written by `make bench` (`Scripts/bench.sh`); do not edit by hand. `latest.json` holds the same figures.")
        self.line("")
        self.line("| | |")
        self.line("|---|---|")
        self.line("| commit | `\(commit)`\(dirty) |")
        self.line("| date | \(self.meta["date"] as? String ?? "?") |")
        self.line("| cores | \(self.meta["cores"].map { "\($0)" } ?? "?") (\(self.meta["cpu"] as? String ?? "?")) |")
        self.line(
            "| `make bench` took | \(self.meta["total_seconds"].map { "\($0) s" } ?? "?") (build \(self.meta["build_seconds"].map { "\($0) s" } ?? "?"), benchmarks \(self.meta["bench_seconds"].map { "\($0) s" } ?? "?")) |"
        )
        self.line("| load | \(self.meta["load"] as? String ?? "?") |")
        self.line(
            "| rounds | \(self.meta["rounds"].map { "\($0)" } ?? "?") per variant, variants alternating (A B A B); \(self.meta["run_seconds"].map { "\($0)" } ?? "?") s per HTTP run |"
        )
        self.line("| toolchain | \(self.meta["swift"] as? String ?? "?"), release build |")
        self.line("")
        self.line("Each cell is the **median over the rounds**, with the spread (min–max) in brackets. Ratios and overheads are")
        self.line("computed per round from the variants that ran back to back, then the median of those is shown. The machine")
        self.line("is shared and noisy: compare variants within this file, not with another run.")
        self.line("")
    }

    private mutating func verification() {
        self.line("## 1. Token verification, in process (one core)")
        self.line("")
        self.line("The same 1,000 access tokens (Ed25519, real claims); one task, nothing else running in the process.")
        self.line("")
        self.table(
            id: "verify",
            rows: [
                Row(bench: "verify", variant: "raw", label: "swift-crypto `Curve25519` verify of the signing input (raw)"),
                Row(bench: "verify", variant: "full", label: "TokenKit full verify: parse, header, key, signature, claims"),
                Row(bench: "verify", variant: "miss", label: "TokenKit, never-seen token: full verify + cache insert/evict"),
                Row(bench: "verify", variant: "hit", label: "TokenKit, cache hit (what a client's next request costs)"),
            ],
            columns: [
                Column(title: "verifications/s", metric: "ops_per_s", format: Self.rate),
                Column(title: "µs each", metric: "us_per_op", format: Self.micro),
            ]
        )
        self.target(
            "verify.full_vs_raw",
            "Full verify ≥ 0.8 × raw Ed25519 verify (verifications/s)",
            self.results.paired("verify", "full", "raw", "ops_per_s", /),
            .atLeast,
            0.8,
            "×"
        )
        self.target("verify.hit_us", "Cache hit ≤ 5 µs", self.results.values("verify", "hit", "us_per_op"), .atMost, 5, "µs")
        self.targetLines(["verify.full_vs_raw", "verify.hit_us"])
        self.line("")
        self.line("What tracing costs a request while it is off (no `OTEL_*` setting), in process, no sockets: one route")
        self.line("without tracing, as the services' router recipe builds it with tracing off, and behind Hummingbird's")
        self.line("`TracingMiddleware` with the no-op tracer (which still computes every span attribute; the recipe leaves it out).")
        self.line("")
        self.table(
            id: "tracing",
            rows: [
                Row(bench: "tracing", variant: "untraced", label: "router without `TracingMiddleware`"),
                Row(bench: "tracing", variant: "off", label: "the services' router recipe, tracing off"),
                Row(bench: "tracing", variant: "noop", label: "router with `TracingMiddleware` and the no-op tracer"),
            ],
            columns: [
                Column(title: "requests/s", metric: "ops_per_s", format: Self.rate),
                Column(title: "µs each", metric: "us_per_op", format: Self.micro),
            ]
        )
        self.target(
            "tracing.off_vs_untraced",
            "Tracing off costs nothing measurable: the recipe ≥ 0.95 × the untraced router (requests/s)",
            self.results.paired("tracing", "off", "untraced", "ops_per_s", /),
            .atLeast,
            0.95,
            "×"
        )
        self.targetLines(["tracing.off_vs_untraced"])
    }

    private mutating func reads() {
        let connections = self.meta["read_connections"].map { "\($0)" } ?? "64"
        self.line("## 2. Safe read `GET /v1/notes/{id}`")
        self.line("")
        self.line("\(connections) connections, 1,000 users' tokens in rotation (each user reads their own note: one Postgres lookup).")
        self.line("The bench server composes the very `NotesController` routes of `notes` behind each authenticator;")
        self.line("the last row is the shipped `notes` binary itself.")
        self.line("")
        let columns = self.httpColumns()
        self.table(
            id: "read",
            rows: [
                Row(bench: "read", variant: "none", label: "no authentication (bench server)"),
                Row(bench: "read", variant: "local", label: "local verification, the real path (bench server)"),
                Row(bench: "read", variant: "introspect", label: "introspection in every request, classic sessions (bench server)"),
                Row(bench: "read", variant: "shipped", label: "local verification, shipped `notes` binary"),
            ],
            columns: columns,
            ratioTo: "none"
        )
        self.target(
            "read.local_vs_none",
            "Real read: local ≥ 0.9 × no authentication (req/s)",
            self.results.paired("read", "local", "none", "rps", /),
            .atLeast,
            0.9,
            "×"
        )
        self.target(
            "read.local_vs_introspect",
            "Real read: local ≥ 2 × introspection in every request (req/s)",
            self.results.paired("read", "local", "introspect", "rps", /),
            .atLeast,
            2,
            "×"
        )
        self.targetLines(["read.local_vs_none", "read.local_vs_introspect"])
        self.line("### The authentication layer alone: `GET /v1/whoami` (answers the caller's user id, no database)")
        self.line("")
        self.table(
            id: "whoami",
            rows: [
                Row(bench: "whoami", variant: "none", label: "no authentication"),
                Row(bench: "whoami", variant: "local", label: "local verification (cache hits)"),
                Row(bench: "whoami", variant: "introspect", label: "introspection in every request"),
                Row(bench: "whoami", variant: "nocache", label: "local verification, every token never seen (cache's worst case)"),
            ],
            columns: columns,
            ratioTo: "none"
        )
        self.line("### Other reads (for the memory figures)")
        self.line("")
        self.table(
            id: "other-reads",
            rows: [Row(bench: "profile", variant: "shipped", label: "`GET /v1/profile`, shipped `profile` binary, 64 connections")],
            columns: columns
        )
    }

    private mutating func writes() {
        let connections = self.meta["write_connections"].map { "\($0)" } ?? "?"
        self.line("## 3. Dangerous write `POST /v1/notes`")
        self.line("")
        self.line("\(connections) connection(s): one client writing back to back, so a latency is the request's own cost, not a queue's.")
        self.line("Each write creates a note. With the check, every write is confirmed with `auth` (`POST /internal/v1/introspect`).")
        self.line("The last two rows are what a check costs at the least on this machine: `auth`'s introspection endpoint asked")
        self.line("directly by `wrk` (one loopback HTTP round trip plus `auth`'s session lookup in its database), and a bare round")
        self.line("trip to `auth` (`GET /healthz`).")
        self.line("")
        self.table(
            id: "write",
            rows: [
                Row(bench: "write", variant: "nocheck", label: "local verification, no session check (bench server)"),
                Row(bench: "write", variant: "local", label: "local verification + session check, the real path (bench server)"),
                Row(bench: "write", variant: "introspection", label: "floor: `auth`'s introspection alone (wrk → auth)"),
                Row(bench: "write", variant: "healthz", label: "floor: one HTTP round trip to `auth` (`GET /healthz`)"),
            ],
            columns: self.httpColumns()
        )
        self.target(
            "write.p50_overhead",
            "Write: p50 overhead of the session check ≤ 1 ms",
            self.results.paired("write", "local", "nocheck", "p50_ms", -),
            .atMost,
            1,
            "ms"
        )
        self.target(
            "write.p99_overhead",
            "Write: p99 overhead of the session check ≤ 5 ms",
            self.results.paired("write", "local", "nocheck", "p99_ms", -),
            .atMost,
            5,
            "ms"
        )
        self.targetLines(["write.p50_overhead", "write.p99_overhead"])
        if let floor = Summary(self.results.values("write", "introspection", "p50_ms")),
            let floor99 = Summary(self.results.values("write", "introspection", "p99_ms")),
            let trip = Summary(self.results.values("write", "healthz", "p50_ms"))
        {
            self.line(
                "The check's floor on this machine: `auth` answers an introspection asked directly in p50 \(Self.millis(floor.median)) ms "
                    + "(p99 \(Self.millis(floor99.median)) ms), of which a bare HTTP round trip is p50 \(Self.millis(trip.median)) ms; "
                    + "the rest is `auth`'s session lookup in PostgreSQL. The overhead above is that floor plus the service's "
                    + "own HTTP client and one more hop between processes."
            )
            self.line("")
        }
    }

    private mutating func refreshAndLogin() {
        self.line("## 4. Refresh and login")
        self.line("")
        let concurrency = self.meta["refresh_concurrency"].map { "\($0)" } ?? "?"
        self.line("Refresh: \(concurrency) clients, each rotating its own session's refresh token as fast as `auth` answers.")
        self.line("")
        self.table(
            id: "refresh",
            rows: [Row(bench: "refresh", variant: "rotate", label: "`POST /v1/sessions/refresh` (one rotation each)")],
            columns: [
                Column(title: "rotations/s", metric: "rps", format: Self.rate),
                Column(title: "p50 ms", metric: "p50_ms", format: Self.millis),
                Column(title: "p99 ms", metric: "p99_ms", format: Self.millis),
            ]
        )
        let cost = self.meta["bcrypt_cost"].map { "\($0)" } ?? "12"
        let storm = self.meta["storm_connections"].map { "\($0)" } ?? "?"
        self.line("Login storm: `POST /v1/sessions` from \(storm) connections at `BCRYPT_COST=\(cost)` (correct passwords), while")
        self.line("light, steady safe reads run (each connection pauses 4 ms between requests); idle and storm phases")
        self.line("alternate, with 3 s after each storm for queued logins to drain. `auth` hashes on one thread less than")
        self.line("there are cores, at nice 10. `auth`'s own `GET /.well-known/jwks.json` shows whether hashing ever holds")
        self.line("`auth`'s event loop; `notes` shows what a neighbour on the same machine feels.")
        self.line("")
        let readColumns = [
            Column(title: "req/s", metric: "rps", format: Self.rate),
            Column(title: "p50 ms", metric: "p50_ms", format: Self.millis),
            Column(title: "p99 ms", metric: "p99_ms", format: Self.millis),
            Column(title: "errors", metric: "errors", format: Self.count),
        ]
        self.table(
            id: "storm",
            rows: [
                Row(bench: "storm", variant: "notes-idle", label: "`notes` safe reads, idle"),
                Row(bench: "storm", variant: "notes-storm", label: "`notes` safe reads, during the login storm"),
                Row(bench: "storm", variant: "auth-idle", label: "`auth` JWKS reads, idle"),
                Row(bench: "storm", variant: "auth-storm", label: "`auth` JWKS reads, during the login storm"),
                Row(bench: "storm", variant: "logins", label: "logins during the storm"),
            ],
            columns: readColumns
        )
        self.target(
            "storm.notes_p99",
            "Login storm: p99 of safe reads ≤ 2 × idle",
            self.results.paired("storm", "notes-storm", "notes-idle", "p99_ms", /),
            .atMost,
            2,
            "×"
        )
        self.target(
            "storm.auth_p99",
            "Login storm: p99 of `auth`'s own reads ≤ 2 × idle (event loop never blocked)",
            self.results.paired("storm", "auth-storm", "auth-idle", "p99_ms", /),
            .atMost,
            2,
            "×"
        )
        self.targetLines(["storm.notes_p99", "storm.auth_p99"])
    }

    private mutating func memory() {
        self.line("## 5. Memory (resident set size)")
        self.line("")
        self.line("Idle: ready, before any load. After: right after the read benchmarks. Peak: the kernel's high-water mark")
        self.line("(`VmHWM`) read at the end of the run, which covers seeding, reads, writes, refreshes and the login storm.")
        self.line("")
        let columns = [
            Column(title: "idle MB", metric: "idle_mb", format: Self.megabytes),
            Column(title: "after reads MB", metric: "after_read_mb", format: Self.megabytes),
            Column(title: "peak MB", metric: "peak_mb", format: Self.megabytes),
        ]
        self.table(
            id: "memory",
            rows: ["auth", "notes", "profile", "bench-server"].map { Row(bench: "memory", variant: $0, label: "`\($0)`") },
            columns: columns
        )
        var ids: [String] = []
        for service in ["auth", "notes", "profile"] {
            self.target("memory.\(service).idle", "`\(service)` idle ≤ 50 MB", self.results.values("memory", service, "idle_mb"), .atMost, 50, "MB")
            self.target(
                "memory.\(service).load",
                "`\(service)` under load (peak) ≤ 150 MB",
                self.results.values("memory", service, "peak_mb"),
                .atMost,
                150,
                "MB"
            )
            ids += ["memory.\(service).idle", "memory.\(service).load"]
        }
        self.targetLines(ids)
    }

    private mutating func reach() {
        self.line("## 6. Revocation reach")
        self.line("")
        self.line("From sending `DELETE /v1/sessions/current` to `auth` until the first safe read of that session's token on")
        self.line("`notes` is refused (a reader polls in a tight loop). Only the revocation feed can tell `notes`.")
        self.line("")
        self.table(
            id: "reach",
            rows: [Row(bench: "reach", variant: "feed", label: "revocation → first refused read")],
            columns: [
                Column(title: "p50 ms", metric: "p50_ms", format: Self.millis),
                Column(title: "p99 ms", metric: "p99_ms", format: Self.millis),
                Column(title: "max ms", metric: "max_ms", format: Self.millis),
                Column(title: "after the 204, p50 ms", metric: "after_answer_p50_ms", format: Self.millis),
                Column(title: "samples", metric: "samples", format: Self.count),
            ]
        )
        self.target(
            "reach.p99",
            "Revocation reach p99 ≤ 1 s (the contract's bound)",
            self.results.values("reach", "feed", "p99_ms"),
            .atMost,
            1000,
            "ms"
        )
        self.targetLines(["reach.p99"])
    }

    private mutating func targetTable() {
        self.line("## All targets")
        self.line("")
        self.line("| target | measured (median, min–max) | required | met |")
        self.line("|---|---|---|---|")
        for target in self.targets {
            self.line(
                "| \(target.description) | \(self.measuredCell(target)) | \(target.comparison.rawValue) \(Self.number(target.required)) \(target.unit) | \(Self.verdict(target)) |"
            )
        }
        self.line("")
    }

    private mutating func footer() {
        self.line("## How it is measured")
        self.line("")
        self.line("- A throwaway PostgreSQL in RAM; `auth` (`BCRYPT_COST` as above), a seeding replica of `auth` (cost 4, only for")
        self.line("  creating the 1,000 users), `notes`, `profile` and `latchkey-bench-server`, all release builds on 127.0.0.1.")
        self.line("- HTTP load comes from `wrk` (a separate process, same two cores) with `Benchmarks/wrk/rotate.lua`, which")
        self.line("  sends pre-built requests round-robin over the users; every request carries the same headers whatever the")
        self.line("  variant. Any non-2xx answer or socket error is counted in `errors`.")
        self.line("- Refresh rotations, revocation reach and seeding use `latchkey-bench` (AsyncHTTPClient).")
        self.line("- Access tokens live 3600 s in this stack so that none expires during a run.")
        self.line("")
    }

    // MARK: Helpers

    private func httpColumns() -> [Column] {
        [
            Column(title: "req/s", metric: "rps", format: Self.rate),
            Column(title: "p50 ms", metric: "p50_ms", format: Self.millis),
            Column(title: "p99 ms", metric: "p99_ms", format: Self.millis),
            Column(title: "errors", metric: "errors", format: Self.count),
        ]
    }

    private mutating func line(_ text: String) {
        self.markdown += text + "\n"
    }

    private mutating func table(id: String, rows: [Row], columns: [Column], ratioTo baseline: String? = nil) {
        var header = "| variant |"
        var rule = "|---|"
        for column in columns {
            header += " \(column.title) |"
            rule += "---:|"
        }
        if baseline != nil {
            header += " × no-auth req/s |"
            rule += "---:|"
        }
        self.line(header)
        self.line(rule)
        var jsonRows: [[String: Any]] = []
        for row in rows {
            var cells = "| \(row.label) |"
            var metrics: [String: Any] = [:]
            for column in columns {
                if let summary = Summary(self.results.values(row.bench, row.variant, column.metric)) {
                    cells += " \(Self.cell(summary, column.format)) |"
                    metrics[column.metric] = summary.json
                } else {
                    cells += " – |"
                }
            }
            if let baseline {
                let ratio = Summary(self.results.paired(row.bench, row.variant, baseline, "rps", /))
                cells += " \(ratio.map { Self.cell($0, Self.ratio) } ?? "–") |"
                if let ratio { metrics["rps_vs_\(baseline)"] = ratio.json }
            }
            self.line(cells)
            jsonRows.append(["bench": row.bench, "variant": row.variant, "label": row.label, "metrics": metrics])
        }
        self.line("")
        self.sections.append(["id": id, "rows": jsonRows])
    }

    private mutating func target(
        _ id: String,
        _ description: String,
        _ values: [Double],
        _ comparison: Target.Comparison,
        _ required: Double,
        _ unit: String
    ) {
        self.targets.append(
            Target(id: id, description: description, measured: Summary(values), comparison: comparison, required: required, unit: unit)
        )
    }

    /// The targets of a section, under its table.
    private mutating func targetLines(_ ids: [String]) {
        for id in ids {
            guard let target = self.targets.first(where: { $0.id == id }) else { continue }
            self.line("- **Target** \(target.description): measured \(self.measuredCell(target)) \(target.unit) → \(Self.verdict(target))")
        }
        self.line("")
    }

    private func measuredCell(_ target: Target) -> String {
        guard let measured = target.measured else { return "not measured" }
        if target.unit == "×" { return Self.cell(measured, Self.ratio) }
        return Self.cell(measured, Self.millis)
    }

    private static func verdict(_ target: Target) -> String {
        switch target.met {
        case .some(true): "met"
        case .some(false): "**missed**"
        case .none: "not measured"
        }
    }

    private static func cell(_ summary: Summary, _ format: (Double) -> String) -> String {
        if summary.values.count < 2 || summary.min == summary.max { return format(summary.median) }
        return "\(format(summary.median)) (\(format(summary.min))–\(format(summary.max)))"
    }

    static func rate(_ value: Double) -> String {
        value >= 100 ? Self.grouped(Int(value.rounded())) : String(format: "%.1f", value)
    }

    static func grouped(_ value: Int) -> String {
        let digits = String(abs(value))
        var out = ""
        for (index, character) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { out += "," }
            out.append(character)
        }
        return (value < 0 ? "-" : "") + out
    }

    static func millis(_ value: Double) -> String {
        abs(value) < 10 ? String(format: "%.2f", value) : abs(value) < 100 ? String(format: "%.1f", value) : String(format: "%.0f", value)
    }

    static func micro(_ value: Double) -> String { String(format: "%.2f", value) }

    static func ratio(_ value: Double) -> String { String(format: "%.2f", value) }

    static func count(_ value: Double) -> String { String(Int(value.rounded())) }

    static func megabytes(_ value: Double) -> String { String(format: "%.1f", value) }

    static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e9 ? String(Int(value)) : Self.millis(value)
    }
}
