import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The process's own figures in the Prometheus client libraries' standard names, read from `/proc`
/// when `/metrics` is scraped (no package for it is in the mirror, and reading at scrape time needs
/// no background task): resident and virtual memory, CPU seconds, open and maximum file
/// descriptors, and the start time. Empty where `/proc` is missing (macOS).
public enum ProcessMetrics {
    /// The metrics in the Prometheus text format, one `# TYPE` line each.
    public static func render() -> String {
        guard let stat = try? String(contentsOfFile: "/proc/self/stat", encoding: .utf8),
            let fields = self.statFields(stat)
        else { return "" }
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        let pageSize = Double(sysconf(Int32(_SC_PAGESIZE)))
        // Fields after the command name (`man 5 proc`): utime 14, stime 15, starttime 22, vsize 23, rss 24.
        func field(_ number: Int) -> Double { Double(fields[number - 3]) ?? 0 }
        var lines: [String] = []
        func add(_ name: String, _ type: String, _ help: String, _ value: Double) {
            lines.append("# HELP \(name) \(help)")
            lines.append("# TYPE \(name) \(type)")
            lines.append("\(name) \(Self.format(value))")
        }
        add("process_cpu_seconds_total", "counter", "Total user and system CPU time spent in seconds.", (field(14) + field(15)) / ticks)
        add("process_resident_memory_bytes", "gauge", "Resident memory size in bytes.", field(24) * pageSize)
        add("process_virtual_memory_bytes", "gauge", "Virtual memory size in bytes.", field(23))
        if let bootTime = self.bootTime() {
            add("process_start_time_seconds", "gauge", "Start time of the process since unix epoch in seconds.", bootTime + field(22) / ticks)
        }
        if let open = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd") {
            add("process_open_fds", "gauge", "Number of open file descriptors.", Double(open.count))
        }
        var limit = rlimit()
        if getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 {
            add("process_max_fds", "gauge", "Maximum number of open file descriptors.", Double(limit.rlim_cur))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The fields of `/proc/self/stat` after the command name (which may hold spaces and parentheses).
    static func statFields(_ stat: String) -> [Substring]? {
        guard let close = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        return fields.count >= 22 ? fields : nil
    }

    /// When the machine booted (`btime` of `/proc/stat`), in seconds since the epoch.
    static func bootTime() -> Double? {
        guard let stat = try? String(contentsOfFile: "/proc/stat", encoding: .utf8) else { return nil }
        for line in stat.split(separator: "\n") where line.hasPrefix("btime ") {
            return Double(line.dropFirst(6).trimmingCharacters(in: .whitespaces))
        }
        return nil
    }

    static func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }
}
