// Finds a command by name without allocating: an open-addressing table keyed by the ASCII-lowercased name packed
// into three words (every command name is shorter than 24 bytes), so a lookup is one pass over the name's bytes,
// a multiply for the hash and three word comparisons. Built once at startup from the families' specs, to which it attaches the families'
// COMMAND DOCS entries (Families/*+Docs.swift).
// SPDX-License-Identifier: BSD-3-Clause

public final class CommandTable {
    public let all: [CommandSpec]
    private var slots: [Int32]
    private let mask: Int
    /// Every command followed by its subcommands, in table order (COMMAND LIST, INFO commandstats, LATENCY).
    public var everySpec: [CommandSpec] { all.flatMap { [$0] + $0.subcommands } }
    /// The specs again as unmanaged references, so a lookup on the hot path costs no reference counting.
    private let unmanaged: UnsafeMutablePointer<Unmanaged<CommandSpec>>
    /// Each spec's name key (see `NameKey`), for comparisons without touching the spec object.
    private let names: UnsafeMutablePointer<NameKey>

    init(_ specs: [CommandSpec]) {
        all = specs.sorted { $0.name < $1.name }
        var size = 64
        while size < all.count * 4 { size *= 2 }
        mask = size - 1
        slots = Array(repeating: -1, count: size)
        unmanaged = .allocate(capacity: max(all.count, 1))
        names = .allocate(capacity: max(all.count, 1))
        for (i, spec) in all.enumerated() {
            unmanaged[i] = Unmanaged.passUnretained(spec)
            guard let key = spec.nameBytes.withUnsafeBytes({ NameKey($0) }) else {
                preconditionFailure("command name too long: \(spec.name)")
            }
            names[i] = key
        }
        for (i, spec) in all.enumerated() {
            var s = names[i].hash & mask
            precondition(find(spec.nameBytes.withUnsafeBytes { Array($0) }) == nil, "duplicate command \(spec.name)")
            while slots[s] >= 0 { s = (s + 1) & mask }
            slots[s] = Int32(i)
        }
        for spec in all {
            for command in [spec] + spec.subcommands {
                if let docs = CommandTable.allDocs[command.fullName] { command.attach(docs) }
            }
        }
    }

    /// Every family's COMMAND DOCS entries by full command name; a new family adds its `docs` here.
    package static let allDocs: [String: CommandDocs] = {
        let families: [[String: CommandDocs]] = [
            ConnectionCommands.docs, ClientCommands.docs, KeyspaceCommands.docs, StringCommands.docs,
            BitmapCommands.docs, ServerCommands.docs, ConfigCommands.docs, InfoCommands.docs,
            CommandCommands.docs, DebugCommands.docs, IntrospectionCommands.docs,
            HashCommands.docs, SetCommands.docs,
            SortedSetCommands.docs, ListCommands.docs, SortCommands.docs, SortedSetCommands.blockingDocs,
            TransactionCommands.docs, PubSubCommands.docs, ScriptingCommands.docs, HyperLogLogCommands.docs,
            StreamCommands.docs,
            GeoCommands.docs, ReplicationCommands.docs,
        ]
        return families.reduce(into: [:]) { all, family in
            all.merge(family) { _, _ in preconditionFailure("a command is documented by two families") }
        }
    }()

    deinit {
        names.deallocate()
        unmanaged.deallocate()
    }

    /// The slot index of the command named by `name` (any case), or -1.
    @inline(__always)
    private func index(_ name: UnsafeRawBufferPointer) -> Int {
        guard let key = NameKey(name) else { return -1 }
        var s = key.hash & mask
        return slots.withUnsafeBufferPointer { slots in
            while true {
                let i = Int(slots[s])
                if i < 0 || names[i] == key { return i }
                s = (s + 1) & mask
            }
        }
    }

    /// The command named by `name` (any case), unretained (the table keeps every spec alive), or nil.
    @inline(__always)
    public func findUnmanaged(_ name: UnsafeRawBufferPointer) -> Unmanaged<CommandSpec>? {
        let i = index(name)
        return i < 0 ? nil : unmanaged[i]
    }

    /// The command named by `name` (any case), or nil.
    @inline(__always)
    public func find(_ name: UnsafeRawBufferPointer) -> CommandSpec? {
        let i = index(name)
        return i < 0 ? nil : all[i]
    }

    private func find(_ name: [UInt8]) -> CommandSpec? { name.withUnsafeBytes { find($0) } }

    public func find(_ name: String) -> CommandSpec? { find(Array(name.utf8)) }

    /// The command or subcommand a call names (Redis's lookupCommand): a container called without a subcommand is
    /// the container itself (its arity then rejects the call); an unknown subcommand is nil.
    public func lookup(_ args: Arguments) -> CommandSpec? {
        guard args.count > 0, let command = find(args[0]) else { return nil }
        if command.subcommands.isEmpty || args.count < 2 { return command }
        return command.subcommand(args[1])
    }
}

/// A command name as a lookup key: its bytes ASCII-lowercased into three little-endian words, zero-padded, with the
/// length in the top byte, so equal keys mean equal names (case aside) and no name is a prefix of another.
struct NameKey: Equatable {
    var w0: UInt64 = 0
    var w1: UInt64 = 0
    var w2: UInt64 = 0

    /// nil for names of 24 bytes or more (no command has one, so such a name is unknown).
    @inline(__always)
    init?(_ name: UnsafeRawBufferPointer) {
        let n = name.count
        guard n < 24 else { return nil }
        guard n > 0, let p = name.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return }
        var i = 0
        var w: UInt64 = 0
        while i < n {
            let c = p[i]
            let lower = c &- 65 < 26 ? c | 0x20 : c
            w |= UInt64(lower) << UInt64((i & 7) << 3)
            i += 1
            if i & 7 == 0 {
                if i == 8 { w0 = w } else { w1 = w }
                w = 0
            }
        }
        switch n >> 3 {
        case 0: w0 = w
        case 1: w1 = w
        default: w2 = w
        }
        w2 |= UInt64(n) << 56
    }

    @inline(__always)
    var hash: Int {
        let h = (w0 &* 0x9E37_79B9_7F4A_7C15) ^ (w1 &* 0xC2B2_AE3D_27D4_EB4F) ^ w2
        return Int(truncatingIfNeeded: ((h ^ (h >> 29)) &* 0x1656_67B1_9E37_79F9) >> 32)
    }
}
