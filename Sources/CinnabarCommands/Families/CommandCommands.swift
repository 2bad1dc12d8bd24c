// COMMAND and its subcommands (COUNT, INFO, DOCS, LIST [FILTERBY], GETKEYS, GETKEYSANDFLAGS), answered from the
// families' specs, in Redis 7.2's reply shapes.
// SPDX-License-Identifier: BSD-3-Clause
import CinnabarStorage

enum CommandCommands {
    static func sub(_ name: String, _ arity: Int, _ summary: String, since: String = "2.8.13",
                    _ handler: @escaping CommandHandler) -> CommandSpec {
        CommandSpec(name, arity: arity, flags: [.loading, .stale], acl: ["@connection"], group: "server",
                    summary: summary, since: since, handler: handler)
    }

    /// The family's command specs; each server builds its own (they carry its command statistics).
    static func makeSpecs() -> [CommandSpec] {
        [
        CommandSpec("command", arity: -1, flags: [.loading, .stale], acl: ["@connection"], group: "server",
                    summary: "Returns detailed information about all commands.", since: "2.8.13",
                    complexity: "O(N) where N is the total number of Redis commands",
                    tips: ["nondeterministic_output_order"], subcommands: [
            sub("count", 2, "Returns a count of commands.") { c throws(CommandError) in
                c.integer(c.server.commands.all.count)
            },
            sub("info", -2, "Returns information about one, multiple or all commands.", since: "2.8.13", info),
            sub("docs", -2, "Returns documentary information about one, multiple or all commands.", since: "7.0.0", docs),
            sub("list", -2, "Returns a list of command names.", since: "7.0.0", list),
            sub("getkeys", -3, "Extracts the key names from an arbitrary command.", since: "2.8.13") { c throws(CommandError) in
                try getkeys(c, withFlags: false)
            },
            sub("getkeysandflags", -3, "Extracts the key names and access flags for an arbitrary command.", since: "7.0.0") {
                c throws(CommandError) in try getkeys(c, withFlags: true)
            },
            sub("help", 2, "Returns helpful text about the different subcommands.", since: "5.0.0") { c throws(CommandError) in
                c.help("COMMAND", [
                    "(no subcommand)", "    Return details about all Redis commands.",
                    "COUNT", "    Return the total number of commands in this Redis server.",
                    "LIST", "    Return a list of all commands in this Redis server.",
                    "INFO [<command-name> ...]",
                    "    Return details about multiple Redis commands.",
                    "    If no command names are given, documentation details for all",
                    "    commands are returned.",
                    "DOCS [<command-name> ...]",
                    "    Return documentation details about multiple Redis commands.",
                    "    If no command names are given, documentation details for all",
                    "    commands are returned.",
                    "GETKEYS <full-command>",
                    "    Return the keys from a full Redis command.",
                    "GETKEYSANDFLAGS <full-command>",
                    "    Return the keys and the access flags from a full Redis command.",
                    "LIST [FILTERBY (MODULE <module-name>|ACLCAT <category>|PATTERN <pattern>)]",
                    "    Return a list of all commands in this Redis server.",
                ])
            },
        ], handler: { c throws(CommandError) in
            // COMMAND with no subcommand: every command's info.
            c.array(c.server.commands.all.count)
            for spec in c.server.commands.all { writeInfo(c, spec) }
        }),
    ]
    }

    /// The 10-element COMMAND INFO entry.
    static func writeInfo(_ c: CommandContext, _ spec: CommandSpec) {
        c.array(10)
        c.bulk(spec.fullName)
        c.integer(spec.arity)
        let flags = spec.flags.names
        c.set(flags.count)
        for f in flags { c.status(f) }
        c.integer(spec.keys.first)
        c.integer(spec.keys.last)
        c.integer(spec.keys.step)
        let cats = spec.allCategories
        c.set(cats.count)
        for cat in cats { c.status(cat) }
        c.set(spec.tips.count)
        for t in spec.tips { c.bulk(t) }  // tips are bulk strings in Redis 7.2, unlike flags and categories
        c.set(spec.keySpecs.count)
        for k in spec.keySpecs { writeKeySpec(c, k) }
        c.set(spec.subcommands.count)
        for s in spec.subcommands { writeInfo(c, s) }
    }

    static func writeKeySpec(_ c: CommandContext, _ k: KeySpec) {
        c.map(k.notes.isEmpty ? 3 : 4)
        if !k.notes.isEmpty {
            c.bulk("notes")
            c.bulk(k.notes)
        }
        c.bulk("flags")
        let flags = k.displayFlags
        c.set(flags.count)
        for f in flags { c.status(f) }
        c.bulk("begin_search")
        c.map(2)
        c.bulk("type")
        switch k.begin {
        case let .index(position):
            c.bulk("index")
            c.bulk("spec")
            c.map(1)
            c.bulk("index")
            c.integer(position)
        case let .keyword(word, startFrom):
            c.bulk("keyword")
            c.bulk("spec")
            c.map(2)
            c.bulk("keyword")
            c.bulk(word)
            c.bulk("startfrom")
            c.integer(startFrom)
        case .unknown:
            c.bulk("unknown")
            c.bulk("spec")
            c.map(0)
        }
        c.bulk("find_keys")
        c.map(2)
        c.bulk("type")
        switch k.find {
        case let .range(lastKey, step, limit):
            c.bulk("range")
            c.bulk("spec")
            c.map(3)
            c.bulk("lastkey")
            c.integer(lastKey)
            c.bulk("keystep")
            c.integer(step)
            c.bulk("limit")
            c.integer(limit)
        case let .keynum(keyNumIndex, firstKey, step):
            c.bulk("keynum")
            c.bulk("spec")
            c.map(3)
            c.bulk("keynumidx")
            c.integer(keyNumIndex)
            c.bulk("firstkey")
            c.integer(firstKey)
            c.bulk("keystep")
            c.integer(step)
        case .unknown:
            c.bulk("unknown")
            c.bulk("spec")
            c.map(0)
        }
    }

    static func info(_ c: CommandContext) throws(CommandError) {
        if c.args.count == 2 {
            c.array(c.server.commands.all.count)
            for spec in c.server.commands.all { writeInfo(c, spec) }
            return
        }
        c.array(c.args.count - 2)
        for i in 2..<c.args.count {
            if let spec = lookup(c, c.args.string(i)) { writeInfo(c, spec) } else { c.nullArray() }
        }
    }

    /// A command or `container|sub` by name.
    static func lookup(_ c: CommandContext, _ name: String) -> CommandSpec? {
        let parts = name.lowercased().split(separator: "|", maxSplits: 1).map(String.init)
        guard let spec = c.server.commands.find(parts[0]) else { return nil }
        if parts.count == 2 { return spec.subcommands.first { $0.name == parts[1] } }
        return spec
    }

    static func docs(_ c: CommandContext) throws(CommandError) {
        var specs: [CommandSpec] = []
        if c.args.count == 2 {
            specs = c.server.commands.all
        } else {
            for i in 2..<c.args.count { if let s = lookup(c, c.args.string(i)) { specs.append(s) } }
        }
        c.map(specs.count)
        for spec in specs {
            c.bulk(spec.fullName)
            writeDocs(c, spec)
        }
    }

    /// One command's COMMAND DOCS map, in addReplyCommandDocs's order; absent fields are left out.
    static func writeDocs(_ c: CommandContext, _ spec: CommandSpec) {
        let docs = spec.docs
        let fields = [
            true, true, true, spec.complexity != nil, !(docs?.docFlags.isEmpty ?? true), docs?.deprecatedSince != nil,
            docs?.replacedBy != nil, !(docs?.history.isEmpty ?? true), !(docs?.arguments.isEmpty ?? true),
            !spec.subcommands.isEmpty,
        ]
        c.map(fields.filter { $0 }.count)
        c.bulk("summary")
        c.bulk(spec.summary)
        c.bulk("since")
        c.bulk(spec.since)
        c.bulk("group")
        c.bulk(spec.group)
        if let complexity = spec.complexity {
            c.bulk("complexity")
            c.bulk(complexity)
        }
        if let docs {
            if !docs.docFlags.isEmpty {
                c.bulk("doc_flags")
                writeFlagSet(c, docs.docFlags.names)
            }
            if let deprecatedSince = docs.deprecatedSince {
                c.bulk("deprecated_since")
                c.bulk(deprecatedSince)
            }
            if let replacedBy = docs.replacedBy {
                c.bulk("replaced_by")
                c.bulk(replacedBy)
            }
            if !docs.history.isEmpty {
                c.bulk("history")
                c.set(docs.history.count)
                for entry in docs.history {
                    c.array(2)
                    c.bulk(entry.since)
                    c.bulk(entry.changes)
                }
            }
            if !docs.arguments.isEmpty {
                c.bulk("arguments")
                writeArguments(c, docs.arguments)
            }
        }
        if !spec.subcommands.isEmpty {
            c.bulk("subcommands")
            c.map(spec.subcommands.count)
            for s in spec.subcommands {
                c.bulk(s.fullName)
                writeDocs(c, s)
            }
        }
    }

    /// An argument list as addReplyCommandArgList writes it: one map per argument, oneof/block nesting theirs.
    static func writeArguments(_ c: CommandContext, _ arguments: [ArgumentDoc]) {
        c.array(arguments.count)
        for arg in arguments {
            let nested = arg.kind == .oneOf || arg.kind == .block
            let fields = [
                true, true, !nested, arg.keySpecIndex != nil, arg.token != nil, arg.summary != nil, arg.since != nil,
                arg.deprecatedSince != nil, !arg.flags.isEmpty, nested,
            ]
            c.map(fields.filter { $0 }.count)
            c.bulk("name")
            c.bulk(arg.name)
            c.bulk("type")
            c.bulk(arg.kind.rawValue)
            if !nested {
                c.bulk("display_text")
                c.bulk(arg.displayText ?? arg.name)
            }
            if let index = arg.keySpecIndex {
                c.bulk("key_spec_index")
                c.integer(index)
            }
            for (field, value) in [
                ("token", arg.token), ("summary", arg.summary), ("since", arg.since),
                ("deprecated_since", arg.deprecatedSince),
            ] {
                if let value {
                    c.bulk(field)
                    c.bulk(value)
                }
            }
            if !arg.flags.isEmpty {
                c.bulk("flags")
                writeFlagSet(c, arg.flags.names)
            }
            if nested {
                c.bulk("arguments")
                writeArguments(c, arg.arguments)
            }
        }
    }

    /// Flags as Redis's addReplyCommandFlags sends them: a set of simple strings.
    static func writeFlagSet(_ c: CommandContext, _ names: [String]) {
        c.set(names.count)
        for name in names { c.status(name) }
    }

    static func list(_ c: CommandContext) throws(CommandError) {
        let all = c.server.commands.everySpec
        if c.args.count == 2 {
            c.array(all.count)
            for s in all { c.bulk(s.fullName) }
            return
        }
        guard c.args.count == 5, argEquals(c.args[2], "FILTERBY") else { throw .syntax }
        let value = c.args.string(4)
        var selected: [CommandSpec]
        if argEquals(c.args[3], "MODULE") {
            selected = []
        } else if argEquals(c.args[3], "ACLCAT") {
            selected = all.filter { $0.allCategories.contains("@" + value.lowercased()) }
        } else if argEquals(c.args[3], "PATTERN") {
            selected = all.filter { s in
                Array(s.fullName.utf8).withUnsafeBytes { globMatch(pattern: c.args[4], string: $0, noCase: true) }
            }
        } else {
            throw .syntax
        }
        c.array(selected.count)
        for s in selected { c.bulk(s.fullName) }
    }

    static func getkeys(_ c: CommandContext, withFlags: Bool) throws(CommandError) {
        guard var spec = c.server.commands.find(c.args[2]) else { throw .err("Invalid command specified") }
        let inner = Arguments((2..<c.args.count).map { Array(c.args[$0]) })
        if !spec.subcommands.isEmpty && inner.count >= 2, let sub = spec.subcommand(inner[1]) { spec = sub }
        if (spec.arity > 0 && spec.arity != inner.count) || inner.count < -spec.arity {
            throw .err("Invalid number of arguments specified for command")
        }
        var found: [(index: Int, flags: [String])] = []
        for k in spec.keySpecs {
            let flags = variableFlags(spec, k, inner)
            for i in k.indexes(in: inner) { found.append((i, flags)) }
        }
        if spec.name == "sort", let store = SortCommands.storeKeyIndex(inner) { found.append((store, ["OW", "update"])) }
        guard !found.isEmpty else { throw .err("The command has no key arguments") }
        c.array(found.count)
        for (i, flags) in found {
            if withFlags {
                c.array(2)
                c.bulk(inner[i])
                c.set(flags.count)
                for f in flags { c.status(f) }
            } else {
                c.bulk(inner[i])
            }
        }
    }

    /// The actual flags of a VARIABLE_FLAGS key spec for one call (SET: a write-only overwrite unless GET).
    static func variableFlags(_ spec: CommandSpec, _ k: KeySpec, _ args: Arguments) -> [String] {
        guard k.flags.contains("VARIABLE_FLAGS") else { return k.displayFlags }
        if spec.name == "set" {
            let hasGet = (3..<max(3, args.count)).contains { argEquals(args[$0], "GET") }
            return hasGet ? ["RW", "access", "update"] : ["OW", "update"]
        }
        if spec.name == "bitfield" {
            // bitfieldGetKeys: read-only while only GET/OVERFLOW come before anything else.
            var i = 2
            while i < args.count {
                let left = args.count - i - 1
                if argEquals(args[i], "GET") && left >= 2 { i += 3; continue }
                if argEquals(args[i], "OVERFLOW") && left >= 1 { i += 2; continue }
                return ["RW", "access", "update"]
            }
            return ["RO", "access"]
        }
        return k.displayFlags.filter { $0 != "variable_flags" }
    }
}
