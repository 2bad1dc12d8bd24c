// Command metadata as Swift data, Redis's commands/*.json in the compiler's hands: name, arity (negative means
// "at least"), flags, key positions, ACL categories, and the handler. Each family file opens with the specs of its
// commands; the dispatcher enforces arity, flags and authentication from them once, as processCommand does, and
// COMMAND INFO/DOCS/LIST/GETKEYS answer from them.
// SPDX-License-Identifier: BSD-3-Clause
import CinnabarStorage

/// Command flags (Redis's CMD_* flags; names as COMMAND INFO prints them).
public struct CommandFlags: OptionSet, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    public static let write = CommandFlags(rawValue: 1 << 0)
    public static let readonly = CommandFlags(rawValue: 1 << 1)
    public static let denyOOM = CommandFlags(rawValue: 1 << 2)
    public static let admin = CommandFlags(rawValue: 1 << 3)
    public static let pubsub = CommandFlags(rawValue: 1 << 4)
    public static let noScript = CommandFlags(rawValue: 1 << 5)
    public static let blocking = CommandFlags(rawValue: 1 << 6)
    public static let loading = CommandFlags(rawValue: 1 << 7)
    public static let stale = CommandFlags(rawValue: 1 << 8)
    public static let skipMonitor = CommandFlags(rawValue: 1 << 9)
    public static let skipSlowlog = CommandFlags(rawValue: 1 << 10)
    public static let fast = CommandFlags(rawValue: 1 << 11)
    public static let noAuth = CommandFlags(rawValue: 1 << 12)
    public static let mayReplicate = CommandFlags(rawValue: 1 << 13)
    public static let sentinel = CommandFlags(rawValue: 1 << 14)
    public static let noMulti = CommandFlags(rawValue: 1 << 15)
    public static let allowBusy = CommandFlags(rawValue: 1 << 16)
    public static let noAsyncLoading = CommandFlags(rawValue: 1 << 17)
    public static let noMandatoryKeys = CommandFlags(rawValue: 1 << 18)
    public static let movableKeys = CommandFlags(rawValue: 1 << 19)

    /// The names COMMAND INFO reports, in Redis's order.
    public var names: [String] {
        var r: [String] = []
        let table: [(CommandFlags, String)] = [
            (.write, "write"), (.readonly, "readonly"), (.denyOOM, "denyoom"), (.admin, "admin"),
            (.pubsub, "pubsub"), (.noScript, "noscript"), (.blocking, "blocking"), (.loading, "loading"),
            (.stale, "stale"), (.skipMonitor, "skip_monitor"), (.skipSlowlog, "skip_slowlog"), (.fast, "fast"),
            (.noAuth, "no_auth"), (.mayReplicate, "may_replicate"), (.noMandatoryKeys, "no_mandatory_keys"),
            (.noMulti, "no_multi"), (.movableKeys, "movablekeys"), (.allowBusy, "allow_busy"),
        ]
        for (f, n) in table where contains(f) { r.append(n) }
        return r
    }
}

/// Where a command's keys are and how it uses them: Redis 7's key specs (COMMAND INFO, COMMAND GETKEYS,
/// cluster and ACL key extraction). The legacy (first, last, step) triple is derived from them.
public struct KeySpec: Sendable {
    public enum Begin: Sendable {
        /// The key search starts at this argument index.
        case index(Int)
        /// The key search starts after this keyword, searched from `startFrom` (negative: from the end).
        case keyword(String, startFrom: Int)
        /// The keys cannot be found from the arguments' positions (SORT's BY/GET/STORE keys).
        case unknown
    }
    public enum Find: Sendable {
        /// Keys from the start up to `lastKey` (relative to the start; negative counts from the end), every
        /// `step`; `limit` > 1 keeps only 1/limit of the remaining arguments.
        case range(lastKey: Int, step: Int, limit: Int)
        /// The number of keys is the argument at `keyNumIndex` (relative), the keys start at `firstKey`.
        case keynum(keyNumIndex: Int, firstKey: Int, step: Int)
        case unknown
    }
    /// Redis's flag names: RO, RW, OW, RM, ACCESS, UPDATE, INSERT, DELETE, NOT_KEY, INCOMPLETE, VARIABLE_FLAGS.
    public var flags: [String]
    public var notes: String
    public var begin: Begin
    public var find: Find

    public init(flags: [String], notes: String = "", begin: Begin, find: Find) {
        self.flags = flags
        self.notes = notes
        self.begin = begin
        self.find = find
    }

    /// Keys from argument `position` on: one key, or up to `last` (negative: from the end) every `step`.
    public static func key(_ position: Int, _ flags: String, last: Int = 0, step: Int = 1, notes: String = "") -> KeySpec {
        KeySpec(flags: flags.split(separator: " ").map(String.init), notes: notes, begin: .index(position),
                find: .range(lastKey: last, step: step, limit: 0))
    }

    /// The flags as COMMAND INFO prints them: access types upper case, the rest lower case.
    public var displayFlags: [String] {
        flags.map { ["RO", "RW", "OW", "RM"].contains($0) ? $0 : $0.lowercased() }
    }

    /// Argument indexes of this spec's keys in a call.
    func indexes(in args: Arguments) -> [Int] {
        let start: Int
        switch begin {
        case let .index(i): start = i
        case let .keyword(word, startFrom):
            let range = startFrom >= 0 ? Array(startFrom..<args.count) : Array((1..<max(1, args.count + startFrom + 1)).reversed())
            guard let at = range.first(where: { equalsIgnoringCase(args[$0], word) }) else { return [] }
            start = at + 1
        case .unknown: return []
        }
        guard start < args.count else { return [] }
        switch find {
        case let .range(lastKey, step, limit):
            var end = lastKey >= 0 ? start + lastKey : args.count + lastKey
            if lastKey < 0 && limit > 1 { end = start + (args.count - start) / limit - 1 }
            end = min(end, args.count - 1)
            return end >= start ? Array(stride(from: start, through: end, by: max(step, 1))) : []
        case let .keynum(keyNumIndex, firstKey, step):
            guard start + keyNumIndex < args.count, let n = parseInt64(args[start + keyNumIndex]), n > 0 else { return [] }
            let first = start + firstKey
            return (0..<Int(n)).map { first + $0 * step }.filter { $0 < args.count }
        case .unknown: return []
        }
    }
}

/// Redis's legacy key positions, derived from the key specs (COMMAND INFO fields 4-6).
public struct KeyPositions: Sendable {
    public var first: Int
    public var last: Int
    public var step: Int

    init(_ specs: [KeySpec]) {
        var first = 0, last = 0, step = 0
        for spec in specs {
            guard case let .index(position) = spec.begin, case let .range(lastKey, keyStep, limit) = spec.find,
                limit <= 1
            else { continue }
            if first == 0 || position < first { first = position }
            let specLast = lastKey < 0 ? lastKey : position + lastKey
            if lastKey < 0 || last < 0 { last = min(last, specLast) } else { last = max(last, specLast) }
            step = step == 0 ? keyStep : min(step, keyStep)
        }
        self.first = first
        self.last = last
        self.step = step
    }
}

public typealias CommandHandler = (CommandContext) throws(CommandError) -> Void

/// One command (or subcommand) and its statistics.
public final class CommandSpec {
    public let name: String
    /// Lowercase name bytes for matching.
    let nameBytes: [UInt8]
    public let arity: Int
    public let flags: CommandFlags
    public let keySpecs: [KeySpec]
    public let keys: KeyPositions
    public let aclCategories: [String]
    public let group: String
    /// COMMAND DOCS text: the family's placeholder until the command's `CommandDocs` entry is attached, which wins.
    public private(set) var summary: String
    public private(set) var since: String
    /// nil when Redis documents no complexity (MONITOR).
    public private(set) var complexity: String?
    /// The rest of COMMAND DOCS (deprecation, history, arguments); nil until attached, for commands without an entry.
    public private(set) var docs: CommandDocs?
    public let tips: [String]
    let handler: CommandHandler
    public private(set) var subcommands: [CommandSpec] = []
    public private(set) weak var parent: CommandSpec?

    // INFO commandstats.
    public var calls = 0
    public var microseconds: Int64 = 0
    public var rejectedCalls = 0
    public var failedCalls = 0

    public init(
        _ name: String, arity: Int, flags: CommandFlags, keys: [KeySpec] = [],
        acl: [String] = [], group: String, summary: String = "", since: String = "1.0.0", complexity: String = "O(1)",
        tips: [String] = [], subcommands: [CommandSpec] = [], handler: @escaping CommandHandler
    ) {
        self.name = name.lowercased()
        self.nameBytes = Array(self.name.utf8)
        self.arity = arity
        self.flags = flags
        self.keySpecs = keys
        self.keys = KeyPositions(keys)
        self.aclCategories = acl
        self.group = group
        self.summary = summary
        self.since = since
        self.complexity = complexity
        self.tips = tips
        self.handler = handler
        self.subcommands = subcommands
        for s in subcommands { s.parent = self }
    }

    /// A container command (CONFIG, CLIENT, ...) whose work is done by its subcommands.
    public convenience init(
        container name: String, group: String, summary: String = "", since: String = "1.0.0",
        subcommands: [CommandSpec]
    ) {
        self.init(
            name, arity: -2, flags: [], group: group, summary: summary, since: since, complexity: "Depends on subcommand.",
            subcommands: subcommands, handler: { _ throws(CommandError) in })
    }

    /// Runs rather than being queued inside MULTI (EXEC, DISCARD, MULTI, WATCH, QUIT, RESET).
    public private(set) lazy var runsInsideMulti: Bool =
        parent == nil && ["exec", "discard", "multi", "watch", "quit", "reset"].contains(name)

    /// May run on a subscribed RESP2 connection.
    public private(set) lazy var allowedWhileSubscribed: Bool = parent == nil && [
        "ping", "subscribe", "ssubscribe", "unsubscribe", "sunsubscribe", "psubscribe", "punsubscribe", "quit", "reset",
    ].contains(name)

    /// `config|get` for subcommands, `get` for commands (computed once: the dispatcher records it per call).
    public private(set) lazy var fullName: String = parent.map { "\($0.name)|\(name)" } ?? name

    /// Redis's ACL categories in the order COMMAND INFO lists them.
    static let categoryOrder = [
        "@keyspace", "@read", "@write", "@set", "@sortedset", "@list", "@hash", "@string", "@bitmap",
        "@hyperloglog", "@geo", "@stream", "@pubsub", "@admin", "@fast", "@slow", "@blocking", "@dangerous",
        "@connection", "@transaction", "@scripting",
    ]

    /// ACL categories including the ones implied by flags (setImplicitACLCategories), in Redis's order.
    public private(set) lazy var allCategories: [String] = {
        var r = Set(aclCategories)
        if flags.contains(.write) { r.insert("@write") }
        if flags.contains(.readonly) && !aclCategories.contains("@scripting") { r.insert("@read") }
        if flags.contains(.admin) { r.formUnion(["@admin", "@dangerous"]) }
        if flags.contains(.pubsub) { r.insert("@pubsub") }
        if flags.contains(.fast) { r.insert("@fast") }
        if flags.contains(.blocking) { r.insert("@blocking") }
        if !r.contains("@fast") { r.insert("@slow") }
        return CommandSpec.categoryOrder.filter { r.contains($0) }
    }()

    /// Argument indexes of the keys of a call, in key-spec order.
    public func keyIndexes(in args: Arguments) -> [Int] {
        keySpecs.flatMap { $0.indexes(in: args) }
    }

    /// Makes `docs` this command's documentation (CommandTable does it when it is built).
    func attach(_ docs: CommandDocs) {
        self.docs = docs
        summary = docs.summary
        since = docs.since
        complexity = docs.complexity
    }

    func subcommand(_ name: UnsafeRawBufferPointer) -> CommandSpec? {
        subcommands.first { equalsLowercased(name, $0.nameBytes) }
    }

    func resetStats() {
        calls = 0
        microseconds = 0
        rejectedCalls = 0
        failedCalls = 0
        for s in subcommands { s.resetStats() }
    }
}

/// ASCII case-insensitive comparison with a lowercase name.
@inline(__always)
func equalsLowercased(_ bytes: UnsafeRawBufferPointer, _ lower: [UInt8]) -> Bool {
    if bytes.count != lower.count { return false }
    for i in 0..<lower.count {
        var c = bytes[i]
        if c >= 65 && c <= 90 { c |= 0x20 }
        if c != lower[i] { return false }
    }
    return true
}

/// ASCII case-insensitive comparison of an argument with a keyword given in upper or lower case.
@inline(__always)
public func argEquals(_ bytes: UnsafeRawBufferPointer, _ keyword: StaticString) -> Bool {
    if bytes.count != keyword.utf8CodeUnitCount { return false }
    let k = keyword.utf8Start
    for i in 0..<bytes.count {
        var a = bytes[i]
        var b = k[i]
        if a >= 65 && a <= 90 { a |= 0x20 }
        if b >= 65 && b <= 90 { b |= 0x20 }
        if a != b { return false }
    }
    return true
}
