// Introspection: SLOWLOG (GET/LEN/RESET/HELP), LATENCY (LATEST/HISTORY/RESET/HISTOGRAM/DOCTOR/GRAPH/HELP) and
// MEMORY (USAGE/STATS/DOCTOR/MALLOC-STATS/PURGE/HELP), with the slow log and latency monitor they report on.
// SPDX-License-Identifier: BSD-3-Clause
import CCinnabarShims
import CinnabarStorage
#if canImport(Glibc)
import Glibc
#endif

/// The slow log: the last `slowlog-max-len` commands that ran longer than `slowlog-log-slower-than` µs.
public struct SlowLog {
    public struct Entry {
        public let id: Int
        public let time: Int64
        public let duration: Int64
        public let args: [[UInt8]]
        public let peer: String
        public let name: String
    }
    public private(set) var entries: [Entry] = []  // newest first
    private var nextID = 0

    /// Adds an entry, keeping at most 32 arguments and 128 bytes per argument as Redis does.
    mutating func add(args: Arguments, duration: Int64, client: Client, maxLength: Int) {
        var kept: [[UInt8]] = []
        let count = min(args.count, 32)
        for i in 0..<count {
            if i == 31 && args.count > 32 {
                kept.append(Array("... (\(args.count - 31) more arguments)".utf8))
                break
            }
            let a = args[i]
            if a.count > 128 {
                kept.append(Array(a.prefix(128)) + Array("... (\(a.count - 128) more bytes)".utf8))
            } else {
                kept.append(Array(a))
            }
        }
        entries.insert(Entry(id: nextID, time: unixTimeMicroseconds() / 1_000_000, duration: duration, args: kept,
                             peer: client.address, name: String(decoding: client.name, as: UTF8.self)), at: 0)
        nextID += 1
        if entries.count > maxLength { entries.removeLast(entries.count - maxLength) }
    }

    mutating func reset() { entries.removeAll() }
    mutating func trim(to n: Int) { if entries.count > n { entries.removeLast(entries.count - n) } }
}

/// The latency monitor: per event, the latest and maximum latency and a short history.
public struct LatencyMonitor {
    public struct Sample { public let time: Int64; public let latency: Int }
    public var events: [String: [Sample]] = [:]
    public var maxima: [String: Int] = [:]

    public mutating func record(_ event: String, milliseconds: Int) {
        var samples = events[event, default: []]
        samples.append(Sample(time: unixTimeMicroseconds() / 1_000_000, latency: milliseconds))
        if samples.count > 160 { samples.removeFirst(samples.count - 160) }
        events[event] = samples
        maxima[event] = max(maxima[event] ?? 0, milliseconds)
    }
}

enum IntrospectionCommands {
    static func sub(_ parent: String, _ name: String, _ arity: Int, _ flags: CommandFlags, _ summary: String,
                    since: String, _ handler: @escaping CommandHandler) -> CommandSpec {
        CommandSpec(name, arity: arity, flags: flags, group: parent == "memory" ? "server" : "server",
                    summary: summary, since: since, handler: handler)
    }

    /// The family's command specs; each server builds its own (they carry its command statistics).
    static func makeSpecs() -> [CommandSpec] {
        [
        CommandSpec(container: "slowlog", group: "server", summary: "A container for slow log commands.",
                    since: "2.2.12", subcommands: [
            sub("slowlog", "get", -2, [.admin, .loading, .stale], "Returns the slow log's entries.", since: "2.2.12", slowlogGet),
            sub("slowlog", "len", 2, [.admin, .loading, .stale], "Returns the number of entries in the slow log.",
                since: "2.2.12") { c throws(CommandError) in c.integer(c.server.slowLog.entries.count) },
            sub("slowlog", "reset", 2, [.admin, .loading, .stale], "Clears all entries from the slow log.",
                since: "2.2.12") { c throws(CommandError) in
                c.server.slowLog.reset()
                c.ok()
            },
            sub("slowlog", "help", 2, [.loading, .stale], "Show helpful text about the different subcommands",
                since: "6.2.0") { c throws(CommandError) in
                c.help("SLOWLOG", [
                    "GET [<count>]",
                    "    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
                    "    Entries are made of:",
                    "    id, timestamp, time in microseconds, arguments array, client IP and port,",
                    "    client name",
                    "LEN", "    Return the length of the slowlog.",
                    "RESET", "    Reset the slowlog.",
                ])
            },
        ]),
        CommandSpec(container: "latency", group: "server", summary: "A container for latency diagnostics commands.",
                    since: "2.8.13", subcommands: [
            sub("latency", "latest", 2, [.admin, .noScript, .loading, .stale],
                "Returns the latest latency samples for all events.", since: "2.8.13", latencyLatest),
            sub("latency", "history", 3, [.admin, .noScript, .loading, .stale],
                "Returns timestamp-latency samples for an event.", since: "2.8.13", latencyHistory),
            sub("latency", "reset", -2, [.admin, .noScript, .loading, .stale],
                "Resets the latency data for one or more events.", since: "2.8.13", latencyReset),
            sub("latency", "histogram", -2, [.admin, .noScript, .loading, .stale],
                "Returns the cumulative distribution of latencies of a subset or all commands.", since: "7.0.0",
                latencyHistogram),
            sub("latency", "doctor", 2, [.admin, .noScript, .loading, .stale],
                "Returns a human-readable latency analysis report.", since: "2.8.13") { c throws(CommandError) in
                c.verbatim(c.server.latency.events.isEmpty
                    ? "Dave, no latency spike was observed during the lifetime of this Redis instance, not in the slightest bit. I honestly think you ought to sleep tonight.\n"
                    : "Dave, I have observed latency spikes in this Redis instance. You don't mind talking about it, do you Dave?\n")
            },
            sub("latency", "graph", 3, [.admin, .noScript, .loading, .stale],
                "Returns a latency graph for an event.", since: "2.8.13") { c throws(CommandError) in
                let event = c.args.string(2)
                guard let samples = c.server.latency.events[event], !samples.isEmpty else {
                    throw .err("No samples available for event '\(event)'")
                }
                c.verbatim(latencyGraph(event, samples, allTimeHigh: c.server.latency.maxima[event] ?? 0))
            },
            sub("latency", "help", 2, [.loading, .stale], "Returns helpful text about the different subcommands.",
                since: "2.8.13") { c throws(CommandError) in
                c.help("LATENCY", [
                    "DOCTOR", "    Return a human readable latency analysis report.",
                    "GRAPH <event>", "    Return an ASCII latency graph for the <event> class.",
                    "HISTORY <event>", "    Return time-latency samples for the <event> class.",
                    "LATEST", "    Return the latest latency samples for all events.",
                    "RESET [<event> ...]", "    Reset latency data of one or more <event> classes.",
                    "    (default: reset all data for all event classes)",
                    "HISTOGRAM [COMMAND ...]",
                    "    Return a cumulative distribution of latencies in the format of a histogram for the specified command names.",
                    "    If no commands are specified then all histograms are replied.",
                ])
            },
        ]),
        CommandSpec(container: "memory", group: "server", summary: "A container for memory diagnostics commands.",
                    since: "4.0.0", subcommands: [
            CommandSpec("usage", arity: -3, flags: [.readonly], keys: [.key(2, "RO")], acl: ["@keyspace"], group: "server",
                        summary: "Estimates the memory usage of a key.", since: "4.0.0", handler: memoryUsage),
            sub("memory", "stats", 2, [], "Returns details about memory usage.", since: "4.0.0", memoryStats),
            sub("memory", "doctor", 2, [], "Outputs a memory problems report.", since: "4.0.0") { c throws(CommandError) in
                c.verbatim("Hi Sam, I can't find any memory issue in your instance. I can only account for what occurs on this base.\n")
            },
            sub("memory", "malloc-stats", 2, [], "Returns the allocator statistics.", since: "4.0.0") {
                c throws(CommandError) in
                let m = MemoryStats.current()
                c.verbatim("Stats not supported for the current allocator (glibc malloc: \(m.used) bytes in use, \(m.active) bytes in arenas)\n")
            },
            sub("memory", "purge", 2, [], "Asks the allocator to release memory.", since: "4.0.0") { c throws(CommandError) in
                _ = cinnabar_malloc_trim()
                c.ok()
            },
            sub("memory", "help", 2, [.loading, .stale], "Returns helpful text about the different subcommands.",
                since: "4.0.0") { c throws(CommandError) in
                c.help("MEMORY", [
                    "DOCTOR", "    Return memory problems reports.",
                    "MALLOC-STATS", "    Return internal statistics report from the memory allocator.",
                    "PURGE", "    Attempt to purge dirty pages for reclamation by the allocator.",
                    "STATS", "    Return information about the memory usage of the server.",
                    "USAGE <key> [SAMPLES <count>]",
                    "    Return memory in bytes used by <key> and its value. Nested values are",
                    "    sampled up to <count> times (default: 5, 0 means sample all).",
                ])
            },
        ]),
    ]
    }

    static func slowlogGet(_ c: CommandContext) throws(CommandError) {
        var count = 10
        if c.args.count == 3 {
            guard let n = parseInt64(c.args[2]), n >= -1 else {
                throw .err("count should be greater than or equal to -1")
            }
            count = n == -1 ? Int.max : Int(n)
        } else if c.args.count > 3 {
            throw .wrongArity(c.spec.fullName)
        }
        let entries = c.server.slowLog.entries.prefix(count)
        c.array(entries.count)
        for e in entries {
            c.array(6)
            c.integer(e.id)
            c.integer(Int(e.time))
            c.integer(Int(e.duration))
            c.array(e.args.count)
            for a in e.args { c.bulk(a) }
            c.bulk(e.peer)
            c.bulk(e.name)
        }
    }

    static func latencyLatest(_ c: CommandContext) throws(CommandError) {
        let l = c.server.latency
        c.array(l.events.count)
        for (event, samples) in l.events.sorted(by: { $0.key < $1.key }) {
            let last = samples.last!
            c.array(4)
            c.bulk(event)
            c.integer(Int(last.time))
            c.integer(last.latency)
            c.integer(l.maxima[event] ?? 0)
        }
    }

    static func latencyHistory(_ c: CommandContext) throws(CommandError) {
        let samples = c.server.latency.events[c.args.string(2)] ?? []
        c.array(samples.count)
        for s in samples {
            c.array(2)
            c.integer(Int(s.time))
            c.integer(s.latency)
        }
    }

    static func latencyReset(_ c: CommandContext) throws(CommandError) {
        if c.args.count == 2 {
            let n = c.server.latency.events.count
            c.server.latency = LatencyMonitor()
            return c.integer(n)
        }
        var n = 0
        for i in 2..<c.args.count {
            let e = c.args.string(i)
            if c.server.latency.events.removeValue(forKey: e) != nil { n += 1 }
            c.server.latency.maxima[e] = nil
        }
        c.integer(n)
    }

    static func latencyHistogram(_ c: CommandContext) throws(CommandError) {
        var specs: [CommandSpec] = []
        if c.args.count == 2 {
            specs = c.server.commands.everySpec.filter { $0.calls > 0 }
        } else {
            for i in 2..<c.args.count {
                guard let s = CommandCommands.lookup(c, c.args.string(i)) else { continue }
                // A container stands for its subcommands (LATENCY HISTOGRAM CLIENT → client|id, client|list...).
                for candidate in [s] + s.subcommands where candidate.calls > 0 && !specs.contains(where: { $0 === candidate }) {
                    specs.append(candidate)
                }
            }
        }
        c.map(specs.count)
        for s in specs {
            c.bulk(s.fullName)
            c.map(2)
            c.bulk("calls")
            c.integer(s.calls)
            c.bulk("histogram_usec")
            // One bucket: the power of two at or above the mean latency, holding every call.
            let mean = max(1, Int(s.microseconds) / max(1, s.calls))
            c.map(1)
            c.integer(mean.nextPowerOfTwoValue)
            c.integer(s.calls)
        }
    }

    /// LATENCY GRAPH: Redis's header line, then one column per sample (oldest first) scaled to the highest,
    /// drawn with `_`, `o`, `#` and the sample's age below, in the spirit of Redis's sparkline.
    static func latencyGraph(_ event: String, _ samples: [LatencyMonitor.Sample], allTimeHigh: Int) -> String {
        let high = samples.map(\.latency).max() ?? 0
        let low = samples.map(\.latency).min() ?? 0
        var text = "\(event) - high \(high) ms, low \(low) ms (all time high \(allTimeHigh) ms)\n"
        text += String(repeating: "-", count: 80) + "\n"
        let rows = 4
        for row in (0..<rows).reversed() {
            var line = ""
            for s in samples {
                let level = high > 0 ? (s.latency * rows + high - 1) / high : 0
                line += level > row ? (row == level - 1 ? "#" : "|") : (row == 0 ? "_" : " ")
            }
            text += line + "\n"
        }
        let now = unixTimeMicroseconds() / 1_000_000
        text += samples.map { s in String(String(max(0, now - s.time)).prefix(1)) }.joined() + "\n"
        return text
    }

    static func memoryUsage(_ c: CommandContext) throws(CommandError) {
        if c.args.count > 3 {
            guard c.args.count == 5, argEquals(c.args[3], "SAMPLES") else { throw .syntax }
            guard let n = parseInt64(c.args[4]), n >= 0 else { throw .notInteger }
        }
        let db = c.db
        guard let index = db.find(c.args[2], options: [.noTouch, .noStats]) else { return c.null() }
        // The key's slot and cell (key bytes and inline value), plus what the value holds on the heap.
        let entry = db.keys.entry(index)
        c.integer(MemoryLayout<KeyCell>.stride + entry.pointee.cellBytes + entry.pointee.value.heapSize)
    }

    static func memoryStats(_ c: CommandContext) throws(CommandError) {
        let m = MemoryStats.current()
        let s = c.server
        let overhead = s.memoryOverhead()
        let keys = s.keyspace.totalKeys
        let fields: [(String, Int)] = [
            ("peak.allocated", max(s.memoryPeak, m.used)), ("total.allocated", m.used),
            ("startup.allocated", s.memoryStartup), ("replication.backlog", 0), ("clients.slaves", 0),
            ("clients.normal", s.clients.values.reduce(0) { $0 + $1.out.capacity + 1024 }),
            ("cluster.links", 0), ("aof.buffer", 0), ("lua.caches", 0), ("functions.caches", 0),
            ("overhead.total", overhead), ("keys.count", keys),
            ("keys.bytes-per-key", keys > 0 ? (m.used - s.memoryStartup) / keys : 0),
            ("dataset.bytes", max(0, m.used - overhead)),
        ]
        c.map(fields.count + 3)
        for (k, v) in fields {
            c.bulk(k)
            c.integer(v)
        }
        c.bulk("dataset.percentage")
        c.double(m.used > 0 ? Double(max(0, m.used - overhead)) * 100 / Double(m.used) : 0)
        c.bulk("peak.percentage")
        c.double(s.memoryPeak > 0 ? Double(m.used) * 100 / Double(s.memoryPeak) : 100)
        c.bulk("fragmentation")
        c.double(m.used > 0 ? Double(m.rss) / Double(m.used) : 1)
    }
}

extension Int {
    var nextPowerOfTwoValue: Int {
        var p = 1
        while p < self { p <<= 1 }
        return p
    }
}

extension Bytes {
    /// Heap bytes held by this string (0 when inline).
    public var heapSize: Int { count > Bytes.inlineCapacity ? count + 32 : 0 }
}

extension Value {
    /// Heap bytes held by this value; collections report their own.
    public var heapSize: Int {
        guard isString else { return (collection as? EncodedCollection)?.heapSize ?? 64 }
        let n = stringLength
        return n > Bytes.inlineCapacity && integer == nil ? n + 32 : 0
    }
}
