// Finds a command by name without allocating: an open-addressing table keyed by the ASCII-lowercased name's hash,
// compared case-insensitively. Built once at startup from the families' specs, to which it attaches the families'
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
    /// Each spec's lowercase name, for comparisons without touching the spec object.
    private let names: UnsafeMutablePointer<UnsafeRawBufferPointer>

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
            let name = UnsafeMutableRawBufferPointer.allocate(byteCount: spec.nameBytes.count, alignment: 1)
            name.copyBytes(from: spec.nameBytes)
            names[i] = UnsafeRawBufferPointer(name)
        }
        for (i, spec) in all.enumerated() {
            var s = spec.nameBytes.withUnsafeBytes { CommandTable.hash($0) } & mask
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

    @inline(__always)
    static func hash(_ name: UnsafeRawBufferPointer) -> Int {
        var h: UInt32 = 2_166_136_261
        for c in name {
            h = (h ^ UInt32(c | (c >= 65 && c <= 90 ? 0x20 : 0))) &* 16_777_619
        }
        return Int(h)
    }

    deinit {
        for i in 0..<all.count { names[i].deallocate() }
        names.deallocate()
        unmanaged.deallocate()
    }

    /// The command named by `name` (any case), unretained (the table keeps every spec alive), or nil.
    @inline(__always)
    public func findUnmanaged(_ name: UnsafeRawBufferPointer) -> Unmanaged<CommandSpec>? {
        var s = CommandTable.hash(name) & mask
        while true {
            let i = Int(slots[s])
            if i < 0 { return nil }
            if equalsLowercased(name, names[i]) { return unmanaged[i] }
            s = (s + 1) & mask
        }
    }

    /// The command named by `name` (any case), or nil.
    @inline(__always)
    public func find(_ name: UnsafeRawBufferPointer) -> CommandSpec? {
        var s = CommandTable.hash(name) & mask
        while true {
            let i = Int(slots[s])
            if i < 0 { return nil }
            let spec = all[i]
            if equalsLowercased(name, spec.nameBytes) { return spec }
            s = (s + 1) & mask
        }
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
