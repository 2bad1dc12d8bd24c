// Server configuration: every parameter redis.conf, the command line and CONFIG GET/SET know, described once in a
// table (name, aliases, type, default, bounds, mutability), with typed fields for the values the hot path reads.
// Values are validated and reported the way Redis 7.2 does (memory units, yes/no booleans, enums in lowercase,
// the exact CONFIG SET error texts). Parameters whose subsystem does not exist yet are accepted and reported so
// that clients and the Redis test suite can set and read them.
// SPDX-License-Identifier: BSD-3-Clause
import CinnabarStorage

public struct ConfigError: Error, Sendable {
    public let message: String
    public init(_ message: String) { self.message = message }
}

/// How a parameter's value is parsed and printed.
public enum ConfigKind: Sendable {
    case bool
    case integer(min: Int, max: Int)
    /// A byte amount accepting units (1k, 5mb, 1gb); printed as plain bytes.
    case memory(min: Int, max: Int)
    /// A byte amount, or a percentage of maxmemory written `N%` (0...maxPercent) and printed that way
    /// (Redis's MEMORY_CONFIG | PERCENT_CONFIG).
    case memoryOrPercent(max: Int, maxPercent: Int)
    case enumeration([String])
    /// Several space-separated enum flags (e.g. `oom-score-adj` modes); not needed yet.
    case string
    /// Several words (save, bind, client-output-buffer-limit): validated by the parameter's own function.
    case special(validate: @Sendable ([String]) -> String?)
}

public struct ConfigParameter: Sendable {
    public let name: String
    public let aliases: [String]
    public let kind: ConfigKind
    public let defaultValue: String
    /// Cannot be changed with CONFIG SET (only at startup).
    public let immutable: Bool
    /// Only with enable-protected-configs (Redis 7 protects dir, dbfilename and friends).
    public let protected: Bool

    init(_ name: String, _ kind: ConfigKind, _ defaultValue: String, aliases: [String] = [],
         immutable: Bool = false, protected: Bool = false) {
        self.name = name
        self.aliases = aliases
        self.kind = kind
        self.defaultValue = defaultValue
        self.immutable = immutable
        self.protected = protected
    }
}

public final class Configuration {
    public static let parameters: [ConfigParameter] = ConfigurationTable.all
    static let byName: [String: Int] = {
        var d: [String: Int] = [:]
        for (i, p) in parameters.enumerated() {
            d[p.name] = i
            for a in p.aliases { d[a] = i }
        }
        return d
    }()

    /// Current values in the form CONFIG GET reports them, by canonical name.
    public private(set) var values: [String: String] = [:]

    // Typed values the server reads on hot paths or often.
    public private(set) var port = 6379
    public private(set) var bind: [String] = ["127.0.0.1", "-::1"]
    public private(set) var unixSocket: String?
    public private(set) var requirePass: String?
    public private(set) var databases = 16
    public private(set) var maxClients = 10000
    public private(set) var timeoutSeconds = 0
    public private(set) var tcpKeepAlive = 300
    public private(set) var tcpBacklog = 511
    public private(set) var hz = 10
    public private(set) var dynamicHz = true
    public private(set) var protoMaxBulkLen = 512 * 1024 * 1024
    public private(set) var clientQueryBufferLimit = 1024 * 1024 * 1024
    public private(set) var enableDebugCommand = "no"
    public private(set) var protectedMode = true
    public private(set) var slowlogLogSlowerThan: Int64 = 10000
    public private(set) var slowlogMaxLen = 128
    public private(set) var activeExpireEffort = 1
    public private(set) var trackingTableMaxKeys = 1_000_000
    public private(set) var logLevel = "notice"
    /// maxmemory-clients in bytes (0: no limit), or as a percentage of maxmemory (0: given in bytes); the limit
    /// client eviction applies is `clientEvictionLimit`.
    public private(set) var maxMemoryClients = 0
    public private(set) var maxMemoryClientsPercent = 0
    /// lazyfree-lazy-user-del: DEL frees large values in the background as UNLINK does.
    public private(set) var lazyfreeUserDel = false
    /// lazyfree-lazy-user-flush: FLUSHALL / FLUSHDB without SYNC or ASYNC flush asynchronously.
    public private(set) var lazyfreeUserFlush = false
    /// lazyfree-lazy-server-del, -expire, -eviction: values the server deletes on its own (overwritten or
    /// replaced by a command, expired, evicted) are freed in the background when large.
    public private(set) var lazyfreeServerDel = false
    public private(set) var lazyfreeExpire = false
    public private(set) var lazyfreeEviction = false
    /// busy-reply-threshold (lua-time-limit) in milliseconds: after this long a script makes the server answer BUSY.
    public private(set) var busyReplyThreshold: Int64 = 5000
    public private(set) var logFile = ""
    public private(set) var latencyMonitorThreshold = 0
    /// hash-max-listpack-* and set-max-* as the hash and set types take them (read on every write).
    public private(set) var hashLimits = HashLimits()
    public private(set) var setLimits = SetLimits()
    public private(set) var zsetLimits = ZSetLimits()
    /// hll-sparse-max-bytes: the largest sparse HyperLogLog before it is converted to dense.
    public private(set) var hllSparseMaxBytes = 3000
    /// stream-node-max-bytes / -entries: when XADD starts a new stream node.
    public private(set) var streamNodeMaxBytes = 4096
    public private(set) var streamNodeMaxEntries = 100
    /// maxmemory in bytes (0: no limit) and the eviction settings.
    public private(set) var maxMemory = 0
    public private(set) var evictionPolicy = EvictionPolicy.noeviction
    public private(set) var maxmemorySamples = 5
    public private(set) var evictionTenacity = 10
    /// notify-keyspace-events.
    public private(set) var notifyFlags: NotifyFlags = []
    /// client-output-buffer-limit per client class.
    public private(set) var outputBufferLimits = OutputBufferLimits()
    /// list-max-listpack-size as the list type takes it.
    public private(set) var listLimits = ListLimits()
    /// save points: snapshot after `seconds` when at least `changes` writes happened (empty: no automatic saves).
    public private(set) var savePoints: [(seconds: Int, changes: Int)] = []
    public private(set) var stopWritesOnBgsaveError = true
    /// min-replicas-to-write and min-replicas-max-lag (seconds): writes need that many replicas that acknowledged
    /// within the lag (both non-zero to apply).
    public private(set) var minReplicasToWrite = 0
    public private(set) var minReplicasMaxLag = 10

    public init() {
        for p in Configuration.parameters { values[p.name] = p.defaultValue }
        for p in Configuration.parameters { applyTyped(p.name) }
    }

    public static func parameter(named name: String) -> ConfigParameter? {
        byName[name.lowercased()].map { parameters[$0] }
    }

    public func get(_ name: String) -> String? {
        Configuration.parameter(named: name).flatMap { values[$0.name] }
    }

    /// Validates and sets a parameter from its words; `startup` allows immutable ones.
    public func set(_ name: String, _ words: [String], startup: Bool) throws(ConfigError) {
        guard let p = Configuration.parameter(named: name) else { throw ConfigError("Bad directive or wrong number of arguments") }
        if p.immutable && !startup { throw ConfigError("can't set immutable config") }
        if p.protected && !startup && values["enable-protected-configs"] == "no" {
            throw ConfigError("can't set protected config")
        }
        let normalized = Configuration.canonical(p.name, try normalize(p, words))
        values[p.name] = normalized
        applyTyped(p.name)
    }

    /// Checks a value without setting it (CONFIG SET validates every pair before applying any).
    public func validate(_ name: String, _ words: [String]) throws(ConfigError) -> String {
        guard let p = Configuration.parameter(named: name) else { throw ConfigError("Bad directive or wrong number of arguments") }
        return try normalize(p, words)
    }

    func normalize(_ p: ConfigParameter, _ words: [String]) throws(ConfigError) -> String {
        switch p.kind {
        case .bool:
            guard words.count == 1 else { throw ConfigError("wrong number of arguments") }
            switch words[0].lowercased() {
            case "yes": return "yes"
            case "no": return "no"
            default: throw ConfigError("argument must be 'yes' or 'no'")
            }
        case let .integer(min, max):
            guard words.count == 1 else { throw ConfigError("wrong number of arguments") }
            guard let v = Int(words[0]) else { throw ConfigError("argument couldn't be parsed into an integer") }
            guard v >= min && v <= max else { throw ConfigError("argument must be between \(min) and \(max) inclusive") }
            return String(v)
        case let .memory(min, max):
            guard words.count == 1 else { throw ConfigError("wrong number of arguments") }
            guard let v = Configuration.parseMemory(words[0]) else {
                throw ConfigError("argument must be a memory value")
            }
            guard v >= min && v <= max else { throw ConfigError("argument must be between \(min) and \(max) inclusive") }
            return String(v)
        case let .memoryOrPercent(max, maxPercent):
            guard words.count == 1 else { throw ConfigError("wrong number of arguments") }
            if let v = Configuration.parseMemory(words[0]) {
                guard v <= max else { throw ConfigError("argument must be between -\(maxPercent) and \(max) inclusive") }
                return String(v)
            }
            guard let percent = Configuration.parsePercent(words[0]) else {
                throw ConfigError("argument must be a memory or percent value")
            }
            guard percent <= maxPercent else {
                throw ConfigError("percentage argument must be less or equal to \(maxPercent)")
            }
            // Redis stores a percentage as a negative number: 0% is the same as 0 bytes.
            return percent == 0 ? "0" : "\(percent)%"
        case let .enumeration(options):
            guard words.count == 1 else { throw ConfigError("wrong number of arguments") }
            let w = words[0].lowercased()
            guard options.contains(w) else {
                throw ConfigError("argument(s) must be one of the following: " + options.joined(separator: ", "))
            }
            return w
        case .string:
            guard words.count == 1 else { throw ConfigError("wrong number of arguments") }
            return words[0]
        case let .special(validate):
            if let problem = validate(words) { throw ConfigError(problem) }
            return words.joined(separator: " ")
        }
    }

    /// The form CONFIG GET reports after Redis applies a value: hz is clamped to 1...500. (Keyspace event flags are
    /// re-rendered in Redis's order by `applyTyped`, which keeps the classes the rendering hides.)
    static func canonical(_ name: String, _ value: String) -> String {
        switch name {
        case "hz":
            return String(min(max(Int(value) ?? 10, 1), 500))
        default:
            return value
        }
    }

    /// Redis's memtoull: a number with an optional unit b, k, kb, m, mb, g, gb (case-insensitive).
    public static func parseMemory(_ s: String) -> Int? {
        let lower = s.lowercased()
        if lower.hasPrefix("-") || lower.hasPrefix("+") { return nil }
        let units: [(String, Int)] = [
            ("gb", 1024 * 1024 * 1024), ("mb", 1024 * 1024), ("kb", 1024), ("g", 1_000_000_000),
            ("m", 1_000_000), ("k", 1000), ("b", 1),
        ]
        for (u, mul) in units where lower.hasSuffix(u) {
            guard let n = Int(lower.dropLast(u.count)), n >= 0 else { return nil }
            return n.multipliedReportingOverflow(by: mul).overflow ? nil : n * mul
        }
        guard let n = Int(lower) else { return nil }
        return n
    }

    /// A percentage as Redis's numericParseString reads one: `N%` with N a canonical non-negative decimal (no sign,
    /// no leading zero, no spaces) that fits in 64 bits.
    public static func parsePercent(_ s: String) -> Int? {
        let digits = Array(s.utf8.dropLast())
        guard s.utf8.count > 1, s.utf8.last == UInt8(ascii: "%"),
              digits.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
              digits.count == 1 || digits[0] != UInt8(ascii: "0")
        else { return nil }
        return Int(String(decoding: digits, as: UTF8.self))
    }

    /// The client eviction limit in bytes (Redis's getClientEvictionLimit): maxmemory-clients, or its percentage of
    /// maxmemory (no limit while maxmemory is 0), and never under 128 KB so that a bad setting cannot cut every
    /// client off; 0 means no limit.
    public var clientEvictionLimit: Int {
        let limit: Int
        if maxMemoryClientsPercent > 0 {
            guard maxMemory > 0 else { return 0 }
            limit = Int(min(Double(maxMemory) * Double(maxMemoryClientsPercent) / 100, Double(Int.max)))
        } else if maxMemoryClients > 0 {
            limit = maxMemoryClients
        } else {
            return 0
        }
        return Swift.max(limit, 128 * 1024)
    }

    private func applyTyped(_ name: String) {
        let v = values[name] ?? ""
        switch name {
        case "port": port = Int(v) ?? port
        case "save":
            let n = v.split(separator: " ").compactMap { Int($0) }
            savePoints = stride(from: 0, to: n.count - 1, by: 2).map { (n[$0], n[$0 + 1]) }
        case "stop-writes-on-bgsave-error": stopWritesOnBgsaveError = v == "yes"
        case "bind": bind = v.split(separator: " ").map(String.init)
        case "unixsocket": unixSocket = v.isEmpty ? nil : v
        case "requirepass": requirePass = v.isEmpty ? nil : v
        case "databases": databases = Int(v) ?? databases
        case "maxclients": maxClients = Int(v) ?? maxClients
        case "timeout": timeoutSeconds = Int(v) ?? timeoutSeconds
        case "tcp-keepalive": tcpKeepAlive = Int(v) ?? tcpKeepAlive
        case "tcp-backlog": tcpBacklog = Int(v) ?? tcpBacklog
        case "hz": hz = Int(v) ?? hz
        case "dynamic-hz": dynamicHz = v == "yes"
        case "proto-max-bulk-len": protoMaxBulkLen = Int(v) ?? protoMaxBulkLen
        case "client-query-buffer-limit": clientQueryBufferLimit = Int(v) ?? clientQueryBufferLimit
        case "enable-debug-command": enableDebugCommand = v
        case "protected-mode": protectedMode = v == "yes"
        case "slowlog-log-slower-than": slowlogLogSlowerThan = Int64(v) ?? slowlogLogSlowerThan
        case "slowlog-max-len": slowlogMaxLen = Int(v) ?? slowlogMaxLen
        case "active-expire-effort": activeExpireEffort = Int(v) ?? activeExpireEffort
        case "tracking-table-max-keys": trackingTableMaxKeys = Int(v) ?? trackingTableMaxKeys
        case "loglevel": logLevel = v
        case "lua-time-limit": busyReplyThreshold = Int64(v) ?? 5000
        case "maxmemory-clients":
            maxMemoryClientsPercent = Configuration.parsePercent(v) ?? 0
            maxMemoryClients = maxMemoryClientsPercent > 0 ? 0 : Configuration.parseMemory(v) ?? 0
        case "lazyfree-lazy-user-del": lazyfreeUserDel = v == "yes"
        case "lazyfree-lazy-user-flush": lazyfreeUserFlush = v == "yes"
        case "lazyfree-lazy-server-del": lazyfreeServerDel = v == "yes"
        case "lazyfree-lazy-expire": lazyfreeExpire = v == "yes"
        case "lazyfree-lazy-eviction": lazyfreeEviction = v == "yes"
        case "logfile": logFile = v
        case "latency-monitor-threshold": latencyMonitorThreshold = Int(v) ?? 0
        case "hash-max-listpack-entries": hashLimits.maxListpackEntries = Int(v) ?? 512
        case "hash-max-listpack-value": hashLimits.maxListpackValue = Int(v) ?? 64
        case "set-max-intset-entries": setLimits = SetLimits(maxIntsetEntries: Int(v) ?? 512,
            maxListpackEntries: setLimits.maxListpackEntries, maxListpackValue: setLimits.maxListpackValue)
        case "set-max-listpack-entries": setLimits.maxListpackEntries = Int(v) ?? 128
        case "set-max-listpack-value": setLimits.maxListpackValue = Int(v) ?? 64
        case "list-max-listpack-size": listLimits.fill = Int(v) ?? -2
        case "maxmemory": maxMemory = Int(v) ?? 0
        case "maxmemory-policy": evictionPolicy = EvictionPolicy(v)
        case "maxmemory-samples": maxmemorySamples = Int(v) ?? 5
        case "maxmemory-eviction-tenacity": evictionTenacity = Int(v) ?? 10
        case "client-output-buffer-limit": outputBufferLimits = OutputBufferLimits(v)
        case "min-replicas-to-write": minReplicasToWrite = Int(v) ?? 0
        case "min-replicas-max-lag": minReplicasMaxLag = Int(v) ?? 10
        case "notify-keyspace-events":
            // The canonical text can hide a class ('n' after 'A'): re-reading it must not drop that class.
            if v != notifyFlags.text || v.isEmpty { notifyFlags = NotifyFlags(parsing: v) ?? [] }
            values[name] = notifyFlags.text
        case "zset-max-listpack-entries": zsetLimits.maxListpackEntries = Int(v) ?? 128
        case "zset-max-listpack-value": zsetLimits.maxListpackValue = Int(v) ?? 64
        case "hll-sparse-max-bytes": hllSparseMaxBytes = Int(v) ?? 3000
        case "stream-node-max-bytes": streamNodeMaxBytes = Int(v) ?? 4096
        case "stream-node-max-entries": streamNodeMaxEntries = Int(v) ?? 100
        default: break
        }
    }

    /// The configuration as redis.conf lines, in table order (CONFIG REWRITE of a file with no such line).
    public func renderedLines(onlyChanged: Bool) -> [String] {
        var lines: [String] = []
        for p in Configuration.parameters {
            let v = values[p.name] ?? ""
            if onlyChanged && v == p.defaultValue { continue }
            lines.append("\(p.name) \(Configuration.quoteIfNeeded(v, kind: p.kind))")
        }
        return lines
    }

    static func quoteIfNeeded(_ v: String, kind: ConfigKind) -> String {
        if case .special = kind { return v.isEmpty ? "\"\"" : v }
        if v.isEmpty || v.contains(" ") || v.contains("\"") {
            return "\"" + v.replacingOccurrences("\\", "\\\\").replacingOccurrences("\"", "\\\"") + "\""
        }
        return v
    }
}

extension String {
    func replacingOccurrences(_ a: String, _ b: String) -> String {
        split(separator: a, omittingEmptySubsequences: false).joined(separator: b)
    }
}

/// One class's client-output-buffer-limit: hard and soft limits in bytes (0: none), and the soft limit's seconds.
public struct OutputBufferLimit: Sendable {
    public var hard = 0
    public var soft = 0
    public var seconds = 0
}

/// client-output-buffer-limit for the normal, replica and pubsub classes.
public struct OutputBufferLimits: Sendable {
    public var normal = OutputBufferLimit()
    public var replica = OutputBufferLimit(hard: 268_435_456, soft: 67_108_864, seconds: 60)
    public var pubsub = OutputBufferLimit(hard: 33_554_432, soft: 8_388_608, seconds: 60)

    public init() {}

    /// Parses the directive's value (validated before): `class hard soft seconds` groups.
    init(_ text: String) {
        let words = text.split(separator: " ").map(String.init)
        var i = 0
        while i + 3 < words.count {
            let limit = OutputBufferLimit(hard: Configuration.parseMemory(words[i + 1]) ?? 0,
                                          soft: Configuration.parseMemory(words[i + 2]) ?? 0,
                                          seconds: Int(words[i + 3]) ?? 0)
            switch words[i].lowercased() {
            case "normal": normal = limit
            case "slave", "replica": replica = limit
            case "pubsub": pubsub = limit
            default: break
            }
            i += 4
        }
    }
}
