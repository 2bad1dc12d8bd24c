// Command metadata as Swift data, Redis's commands/*.json in the compiler's hands: name, arity (negative means
// "at least"), flags, key positions, ACL categories, and the handler. Each family file opens with the specs of its
// commands; the dispatcher enforces arity, flags and authentication from them once, as processCommand does, and
// COMMAND INFO/DOCS/LIST/GETKEYS answer from them.
// SPDX-License-Identifier: BSD-3-Clause

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

/// Where a command's keys are: Redis's legacy (first, last, step) triple. `last` is negative to count from the
/// end (-1: the last argument). A custom finder handles commands whose keys depend on other arguments.
public struct KeyPositions: Sendable {
    public var first: Int
    public var last: Int
    public var step: Int
    public var finder: (@Sendable (Arguments) -> [Int])?

    public static let none = KeyPositions(first: 0, last: 0, step: 0)
    public static func single(_ at: Int = 1) -> KeyPositions { KeyPositions(first: at, last: at, step: 1) }
    public static func range(_ first: Int, _ last: Int, step: Int = 1) -> KeyPositions {
        KeyPositions(first: first, last: last, step: step)
    }
    public init(first: Int, last: Int, step: Int, finder: (@Sendable (Arguments) -> [Int])? = nil) {
        self.first = first
        self.last = last
        self.step = step
        self.finder = finder
    }

    /// Argument indexes of the keys in a call.
    public func indexes(in args: Arguments) -> [Int] {
        if let finder { return finder(args) }
        guard first > 0 else { return [] }
        let lastIndex = last < 0 ? args.count + last : last
        var r: [Int] = []
        var i = first
        while i <= lastIndex && i < args.count {
            r.append(i)
            i += step
        }
        return r
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
    public let keys: KeyPositions
    public let aclCategories: [String]
    public let group: String
    public let summary: String
    public let since: String
    public let complexity: String
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
        _ name: String, arity: Int, flags: CommandFlags, keys: KeyPositions = .none,
        acl: [String] = [], group: String, summary: String = "", since: String = "1.0.0", complexity: String = "O(1)",
        tips: [String] = [], subcommands: [CommandSpec] = [], handler: @escaping CommandHandler
    ) {
        self.name = name.lowercased()
        self.nameBytes = Array(self.name.utf8)
        self.arity = arity
        self.flags = flags
        self.keys = keys
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

    /// `config|get` for subcommands, `get` for commands.
    public var fullName: String { parent.map { "\($0.name)|\(name)" } ?? name }

    /// ACL categories including the ones implied by flags, as COMMAND INFO lists them.
    public var allCategories: [String] {
        var r: [String] = []
        if flags.contains(.write) { r.append("@write") }
        if flags.contains(.readonly) { r.append("@read") }
        if flags.contains(.admin) { r.append("@admin"); r.append("@dangerous") }
        if flags.contains(.pubsub) { r.append("@pubsub") }
        if flags.contains(.fast) { r.append("@fast") } else { r.append("@slow") }
        if flags.contains(.blocking) { r.append("@blocking") }
        for c in aclCategories where !r.contains(c) { r.append(c) }
        return r
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
