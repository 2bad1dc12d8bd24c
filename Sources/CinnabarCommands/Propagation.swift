// Command propagation (Redis's call() propagation, alsoPropagate and propagatePendingCommands): what each executed
// command did, as commands for the AOF (and later replicas). The dispatcher records a command only when it changed
// the dataset (the dirty counter moved, not counting lazy expiry); a handler whose original form is relative or
// non-deterministic names its replacement (`propagateAs`), adds commands (`alsoPropagate`), or suppresses itself
// (`preventPropagation`, EXEC and scripts, whose effects are propagated instead). Commands are collected per
// execution unit (a top-level command with everything it runs: EXEC's queue, a script's calls) and emitted when the
// unit ends, wrapped in MULTI/EXEC when there is more than one, as Redis 7 does. Lazy and active expiry and
// eviction propagate a DEL (or UNLINK) of the key. With propagation off, the dispatcher pays one flag test.
// SPDX-License-Identifier: BSD-3-Clause
import CinnabarStorage

/// One argument of a propagated command.
public enum PropagatedArgument: ExpressibleByStringLiteral {
    /// The command's own argument at this index.
    case original(Int)
    case text(StaticString)
    case bytes([UInt8])
    case integer(Int64)

    public init(stringLiteral value: StaticString) { self = .text(value) }
}

/// What the running command asked for (saved and restored around nested commands).
struct CommandPropagation {
    var prevented = false
    var forced = false
    /// Propagated to replicas only, even with no change (PUBLISH: forceCommandPropagation(PROPAGATE_REPL)).
    var replicationOnly = false
    var replacement: [PropagatedArgument]?
}

/// The commands of the execution unit in progress, encoded as RESP in one reusable buffer.
public final class PropagationState {
    /// Propagation is on (appendonly, or replicas). Checked once per command.
    public internal(set) var enabled = false
    var nesting = 0
    var current = CommandPropagation()
    /// Changes made by lazy expiry during the command (not the command's own).
    var expiryChanges = 0
    var pending: [UInt8] = []
    var ops: [(db: Int, start: Int, end: Int, aof: Bool)] = []
    /// Receives each finished op: the database it targets (-1: none, for MULTI and EXEC), its RESP bytes, and
    /// whether the AOF gets it too (else only the replicas).
    var sink: ((Int, UnsafeRawBufferPointer, Bool) -> Void)?

    init() {
        pending.reserveCapacity(4096)
        ops.reserveCapacity(16)
    }

    func append(db: Int, _ args: [PropagatedArgument], original: Arguments?, aof: Bool = true) {
        let start = pending.count
        pending.appendRESPArrayHeader(args.count)
        for a in args {
            switch a {
            case .original(let i): pending.appendRESPBulk(original![i])
            case .text(let s): s.withUTF8Buffer { pending.appendRESPBulk(UnsafeRawBufferPointer($0)) }
            case .bytes(let b): b.withUnsafeBytes { pending.appendRESPBulk($0) }
            case .integer(let n): pending.appendRESPBulk(decimal: n)
            }
        }
        ops.append((db, start, pending.count, aof))
    }

    func append(db: Int, _ args: Arguments, aof: Bool = true) {
        let start = pending.count
        pending.appendRESPArrayHeader(args.count)
        for i in 0..<args.count { pending.appendRESPBulk(args[i]) }
        ops.append((db, start, pending.count, aof))
    }

    /// propagatePendingCommands: emits the unit, as a transaction when it holds more than one command.
    func flush(transaction allowed: Bool) {
        guard !ops.isEmpty, let sink else {
            reset()
            return
        }
        let transaction = allowed && ops.count > 1
        if transaction { PropagationState.multi.withUnsafeBytes { sink(-1, $0, true) } }
        pending.withUnsafeBytes { all in
            for op in ops { sink(op.db, UnsafeRawBufferPointer(rebasing: all[op.start..<op.end]), op.aof) }
        }
        if transaction { PropagationState.exec.withUnsafeBytes { sink(-1, $0, true) } }
        reset()
    }

    func reset() {
        pending.removeAll(keepingCapacity: true)
        ops.removeAll(keepingCapacity: true)
    }

    static let multi = Array("*1\r\n$5\r\nMULTI\r\n".utf8)
    static let exec = Array("*1\r\n$4\r\nEXEC\r\n".utf8)
}

extension [UInt8] {
    mutating func appendRESPArrayHeader(_ n: Int) {
        append(UInt8(ascii: "*"))
        appendDecimal(Int64(n))
        append(13)
        append(10)
    }

    mutating func appendRESPBulk(_ b: UnsafeRawBufferPointer) {
        append(UInt8(ascii: "$"))
        appendDecimal(Int64(b.count))
        append(13)
        append(10)
        append(contentsOf: b)
        append(13)
        append(10)
    }

    mutating func appendRESPBulk(decimal n: Int64) {
        var digits: [UInt8] = []
        digits.appendDecimal(n)
        digits.withUnsafeBytes { appendRESPBulk($0) }
    }

    mutating func appendDecimal(_ n: Int64) {
        if n == 0 {
            append(UInt8(ascii: "0"))
            return
        }
        var v = n.magnitude
        if n < 0 { append(UInt8(ascii: "-")) }
        let start = count
        while v > 0 {
            append(UInt8(ascii: "0") + UInt8(v % 10))
            v /= 10
        }
        self[start...].reverse()
    }
}

extension CommandContext {
    /// Propagate this command as `args` instead of its own arguments (when it changed the dataset). The arguments
    /// are built only while propagation is on.
    @inline(__always)
    public func propagateAs(_ args: @autoclosure () -> [PropagatedArgument]) {
        let p = server.propagation
        if p.enabled { p.current.replacement = args() }
    }

    /// Adds a command to propagate (before this command's own, which `preventPropagation` can suppress).
    @inline(__always)
    public func alsoPropagate(_ args: @autoclosure () -> [PropagatedArgument]) {
        let p = server.propagation
        if p.enabled { p.append(db: db.id, args(), original: self.args) }
    }

    /// Do not propagate this command itself (what it propagated with `alsoPropagate`, or the commands it ran,
    /// still are).
    @inline(__always)
    public func preventPropagation() {
        let p = server.propagation
        if p.enabled { p.current.prevented = true }
    }

    /// Propagate this command even when it changed nothing (FLUSHALL of an empty dataset, as Redis forces it).
    @inline(__always)
    public func forcePropagation() {
        let p = server.propagation
        if p.enabled { p.current.forced = true }
    }

    /// Propagate this command to replicas even when it changed nothing, and not to the AOF (PUBLISH, SPUBLISH).
    @inline(__always)
    public func forceReplicationPropagation() {
        let p = server.propagation
        if p.enabled { p.current.replicationOnly = true }
    }

    /// DEL, or UNLINK when the lazyfree option is set (Redis's shared.del / shared.unlink choice).
    public func deletion(lazy option: String) -> PropagatedArgument {
        server.config.get(option) == "yes" ? "UNLINK" : "DEL"
    }
}

extension Server {
    /// Starts recording a command (invoke, when propagation is on). Returns what the enclosing command had asked.
    @inline(__always)
    func beginPropagation() -> CommandPropagation {
        let p = propagation
        let saved = p.current
        p.current = CommandPropagation()
        p.nesting += 1
        return saved
    }

    /// Ends a command: records it when it changed the dataset (or forced it), and emits the unit when this was
    /// its outermost command.
    func endPropagation(_ spec: CommandSpec, _ args: Arguments, db: Int, dirtyBefore: Int, expiryBefore: Int,
                        saved: CommandPropagation) {
        let p = propagation
        let mine = p.current
        p.current = saved
        p.nesting -= 1
        let changes = keyspace.dirty - dirtyBefore - (p.expiryChanges - expiryBefore)
        if !mine.prevented && (changes > 0 || mine.forced || mine.replicationOnly) {
            let aof = changes > 0 || mine.forced
            if let replacement = mine.replacement {
                p.append(db: db, replacement, original: args, aof: aof)
            } else {
                p.append(db: db, args, aof: aof)
            }
        }
        if p.nesting == 0 {
            p.expiryChanges = 0
            // Commands that touch arbitrary keys (KEYS, SCAN, RANDOMKEY) expire keys as they go: their DELs are
            // not a transaction (Redis's CMD_TOUCHES_ARBITRARY_KEYS).
            let arbitrary = spec.parent == nil && ["keys", "scan", "randomkey"].contains(spec.name)
            p.flush(transaction: !arbitrary)
        }
    }

    /// propagateDeletion: a key removed by expiry or eviction is propagated as DEL (or UNLINK).
    func propagateDeletion(db: Int, key: UnsafeRawBufferPointer, lazy: Bool, fromExpiry: Bool) {
        let p = propagation
        guard p.enabled else { return }
        if fromExpiry && p.nesting > 0 { p.expiryChanges += 1 }
        p.append(db: db, [lazy ? "UNLINK" : "DEL", .bytes(Array(key))], original: nil)
        if p.nesting == 0 { p.flush(transaction: false) }
    }

    /// Emits commands outside any command (a hash field expired by the active cycle: HDEL).
    func propagateStandalone(db: Int, _ args: [PropagatedArgument], fromExpiry: Bool) {
        let p = propagation
        guard p.enabled else { return }
        if fromExpiry && p.nesting > 0 { p.expiryChanges += 1 }
        p.append(db: db, args, original: nil)
        if p.nesting == 0 { p.flush(transaction: false) }
    }

    /// A change made by lazy expiry inside a command (hash fields) that is not the command's own.
    @inline(__always)
    func noteExpiryChange() {
        let p = propagation
        if p.enabled && p.nesting > 0 { p.expiryChanges += 1 }
    }

    /// Turns propagation on or off (the AOF or the replication backlog needs it: `updatePropagation`), installing
    /// the keyspace's expiry hook.
    func setPropagation(enabled: Bool) {
        propagation.enabled = enabled
        propagation.reset()
        propagation.sink = { [unowned self] db, command, aof in self.feedPropagated(db: db, command, toAOF: aof) }
        if enabled {
            keyspace.state.propagateExpired = { [unowned self] db, key in
                self.propagateDeletion(db: db.id, key: key, lazy: self.config.lazyfreeExpire, fromExpiry: true)
            }
        } else {
            keyspace.state.propagateExpired = nil
        }
    }
}
