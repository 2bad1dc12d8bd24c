// Stream commands (Redis's t_stream.c): XADD, XRANGE, XREAD and the consumer groups (XGROUP, XREADGROUP, XACK,
// XPENDING, XCLAIM, XAUTOCLAIM, XINFO) on a StreamValue. Replies, error texts, keyspace events and the 7.2
// entries-read/lag bookkeeping follow Redis. XREAD and XREADGROUP block through Server+Blocking (a `$` is rewritten
// to the stream's last ID first, as Redis rewrites argv); XREADGROUP waiters are also woken when the key is deleted
// or changes type, and then fail as the re-executed command does. Propagation: XADD with a generated ID and trims
// with `~` are propagated with the exact ID and trim point; XREADGROUP, XCLAIM and XAUTOCLAIM propagate XCLAIM ...
// FORCE JUSTID LASTID and XGROUP SETID, as streamPropagateXCLAIM / streamPropagateGroupID do.
// SPDX-License-Identifier: BSD-3-Clause
import CinnabarRESP
import CinnabarStorage
import NIOCore

enum StreamCommands {
    static func makeSpecs() -> [CommandSpec] {
        let acl = ["@stream"]
        let g = "stream"
        func streamsKeys(_ startFrom: Int) -> [KeySpec] {
            [KeySpec(flags: ["RO", "ACCESS"], begin: .keyword("STREAMS", startFrom: startFrom),
                     find: .range(lastKey: -1, step: 1, limit: 2))]
        }
        func sub(_ name: String, _ arity: Int, _ flags: CommandFlags, _ keyFlags: String, _ summary: String,
                 since: String = "5.0.0", tips: [String] = [], _ handler: @escaping CommandHandler) -> CommandSpec {
            CommandSpec(name, arity: arity, flags: flags, keys: [.key(2, keyFlags)], acl: acl, group: g,
                        summary: summary, since: since, tips: tips, handler: handler)
        }
        return [
            CommandSpec("xadd", arity: -5, flags: [.write, .denyOOM, .fast], keys: [.key(1, "RW UPDATE")], acl: acl,
                        group: g, summary: "Appends a new message to a stream. Creates the key if it doesn't exist.",
                        since: "5.0.0", tips: ["nondeterministic_output"], handler: xadd),
            CommandSpec("xlen", arity: 2, flags: [.readonly, .fast], keys: [.key(1, "RO")], acl: acl, group: g,
                        summary: "Return the number of messages in a stream.", since: "5.0.0", handler: xlen),
            CommandSpec("xrange", arity: -4, flags: [.readonly], keys: [.key(1, "RO ACCESS")], acl: acl, group: g,
                        summary: "Returns the messages from a stream within a range of IDs.", since: "5.0.0",
                        handler: { c throws(CommandError) in try xrange(c, reverse: false) }),
            CommandSpec("xrevrange", arity: -4, flags: [.readonly], keys: [.key(1, "RO ACCESS")], acl: acl, group: g,
                        summary: "Returns the messages from a stream within a range of IDs in reverse order.",
                        since: "5.0.0", handler: { c throws(CommandError) in try xrange(c, reverse: true) }),
            CommandSpec("xdel", arity: -3, flags: [.write, .fast], keys: [.key(1, "RW DELETE")], acl: acl, group: g,
                        summary: "Returns the number of messages after removing them from a stream.", since: "5.0.0",
                        handler: xdel),
            CommandSpec("xtrim", arity: -4, flags: [.write], keys: [.key(1, "RW DELETE")], acl: acl, group: g,
                        summary: "Deletes messages from the beginning of a stream.", since: "5.0.0",
                        tips: ["nondeterministic_output"], handler: xtrim),
            CommandSpec("xsetid", arity: -3, flags: [.write, .denyOOM, .fast], keys: [.key(1, "RW UPDATE")], acl: acl,
                        group: g, summary: "An internal command for replicating stream values.", since: "5.0.0",
                        handler: xsetid),
            CommandSpec("xread", arity: -4, flags: [.readonly, .blocking, .movableKeys], keys: streamsKeys(1),
                        acl: acl, group: g,
                        summary: "Returns messages from multiple streams with IDs greater than the ones requested. Blocks until a message is available otherwise.",
                        since: "5.0.0", handler: { c throws(CommandError) in try xread(c, group: false) }),
            CommandSpec("xreadgroup", arity: -7, flags: [.write, .blocking, .movableKeys], keys: streamsKeys(4),
                        acl: acl, group: g,
                        summary: "Returns new or historical messages from a stream for a consumer in a group. Blocks until a message is available otherwise.",
                        since: "5.0.0", handler: { c throws(CommandError) in try xread(c, group: true) }),
            CommandSpec("xack", arity: -4, flags: [.write, .fast], keys: [.key(1, "RW UPDATE")], acl: acl, group: g,
                        summary: "Returns the number of messages that were successfully acknowledged by the consumer group member of a stream.",
                        since: "5.0.0", handler: xack),
            CommandSpec("xpending", arity: -3, flags: [.readonly], keys: [.key(1, "RO ACCESS")], acl: acl, group: g,
                        summary: "Returns the information and entries from a stream consumer group's pending entries list.",
                        since: "5.0.0", tips: ["nondeterministic_output"], handler: xpending),
            CommandSpec("xclaim", arity: -6, flags: [.write, .fast], keys: [.key(1, "RW UPDATE")], acl: acl, group: g,
                        summary: "Changes, or acquires, ownership of a message in a consumer group, as if the message was delivered a consumer group member.",
                        since: "5.0.0", tips: ["nondeterministic_output"], handler: xclaim),
            CommandSpec("xautoclaim", arity: -6, flags: [.write, .fast], keys: [.key(1, "RW DELETE")], acl: acl,
                        group: g,
                        summary: "Changes, or acquires, ownership of messages in a consumer group, as if the messages were delivered to as consumer group member.",
                        since: "6.2.0", tips: ["nondeterministic_output"], handler: xautoclaim),
            CommandSpec(container: "xgroup", group: g, summary: "A container for consumer groups commands.",
                        since: "5.0.0", subcommands: [
                sub("create", -5, [.write, .denyOOM], "RW INSERT", "Creates a consumer group.", xgroupCreate),
                sub("createconsumer", 5, [.write, .denyOOM], "RW INSERT", "Creates a consumer in a consumer group.",
                    since: "6.2.0", xgroupCreateConsumer),
                sub("delconsumer", 5, [.write], "RW DELETE", "Deletes a consumer from a consumer group.",
                    xgroupDelConsumer),
                sub("destroy", 4, [.write], "RW DELETE", "Destroys a consumer group.", xgroupDestroy),
                sub("setid", -5, [.write], "RW UPDATE", "Sets the last-delivered ID of a consumer group.", xgroupSetID),
                CommandSpec("help", arity: 2, flags: [.loading, .stale], acl: acl, group: g,
                            summary: "Returns helpful text about the different subcommands.", since: "5.0.0") {
                    c throws(CommandError) in
                    c.help("XGROUP", [
                        "CREATE <key> <groupname> <id|$> [option]",
                        "    Create a new consumer group. Options are:",
                        "    * MKSTREAM",
                        "      Create the empty stream if it does not exist.",
                        "    * ENTRIESREAD entries_read",
                        "      Set the group's entries_read counter (internal use).",
                        "CREATECONSUMER <key> <groupname> <consumer>",
                        "    Create a new consumer in the specified group.",
                        "DELCONSUMER <key> <groupname> <consumer>",
                        "    Remove the specified consumer.",
                        "DESTROY <key> <groupname>",
                        "    Remove the specified group.",
                        "SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]",
                        "    Set the current group ID and entries_read counter.",
                    ])
                },
            ]),
            CommandSpec(container: "xinfo", group: g, summary: "A container for stream introspection commands.",
                        since: "5.0.0", subcommands: [
                sub("stream", -3, [.readonly], "RO ACCESS", "Returns information about a stream.", xinfoStream),
                sub("groups", 3, [.readonly], "RO ACCESS", "Returns a list of the consumer groups of a stream.",
                    xinfoGroups),
                sub("consumers", 4, [.readonly], "RO ACCESS", "Returns a list of the consumers in a consumer group.",
                    tips: ["nondeterministic_output"], xinfoConsumers),
                CommandSpec("help", arity: 2, flags: [.loading, .stale], acl: acl, group: g,
                            summary: "Returns helpful text about the different subcommands.", since: "5.0.0") {
                    c throws(CommandError) in
                    c.help("XINFO", [
                        "CONSUMERS <key> <groupname>",
                        "    Show consumers of <groupname>.",
                        "GROUPS <key>",
                        "    Show the stream consumer groups.",
                        "STREAM <key> [FULL [COUNT <count>]",
                        "    Show information about the stream.",
                    ])
                },
            ]),
        ]
    }

    // MARK: - Helpers

    static let invalidID = CommandError.err("Invalid stream ID specified as stream command argument")

    /// Field/value pairs taken straight from the arguments (no copies).
    struct ArgumentFields: StreamFields {
        let args: Arguments
        let first: Int
        var pairCount: Int { (args.count - first) / 2 }
        func field(_ i: Int) -> UnsafeRawBufferPointer { args[first + 2 * i] }
        func value(_ i: Int) -> UnsafeRawBufferPointer { args[first + 2 * i + 1] }
    }

    static func parseID(_ b: UnsafeRawBufferPointer, missingSeq: UInt64 = 0, strict: Bool = false) throws(CommandError)
        -> StreamID
    {
        guard let r = StreamID.parse(b, missingSeq: missingSeq, strict: strict) else { throw invalidID }
        return r.id
    }

    /// streamParseIntervalIDOrReply: "(" makes the bound exclusive (and strict).
    static func parseInterval(_ b: UnsafeRawBufferPointer, missingSeq: UInt64) throws(CommandError)
        -> (StreamID, exclusive: Bool)
    {
        if b.count > 1 && b[0] == UInt8(ascii: "(") {
            return (try parseID(UnsafeRawBufferPointer(rebasing: b[1...]), missingSeq: missingSeq, strict: true), true)
        }
        return (try parseID(b, missingSeq: missingSeq), false)
    }

    static func isToken(_ b: UnsafeRawBufferPointer, _ t: StaticString) -> Bool {
        guard b.count == t.utf8CodeUnitCount else { return false }
        let p = t.utf8Start
        for i in 0..<b.count where b[i] | 0x20 != p[i] | 0x20 { return false }
        return true
    }

    static func readStream(_ c: CommandContext, _ key: UnsafeRawBufferPointer) throws(CommandError) -> StreamValue? {
        guard let v = c.db.get(key, options: c.readOptions) else { return nil }
        guard v.type == .stream else { throw .wrongType }
        return unsafeDowncast(v.collection, to: StreamValue.self)
    }

    static func writeStream(_ c: CommandContext, _ key: UnsafeRawBufferPointer) throws(CommandError) -> StreamValue? {
        guard let i = c.db.find(key, options: [.noStats]) else { return nil }
        let v = c.db.keys.entry(i).pointee.value
        guard v.type == .stream else { throw .wrongType }
        return unsafeDowncast(v.collection, to: StreamValue.self)
    }

    static func bulkID(_ c: CommandContext, _ id: StreamID) { id.withFormatted { c.bulk($0) } }

    static func idArgument(_ id: StreamID) -> PropagatedArgument { .bytes(id.bytes) }

    /// Writes what `body` writes after a header of the count it returns (Redis's deferred lengths).
    static func deferred(_ c: CommandContext, map: Bool = false, _ body: () -> Int) {
        let start = c.client.out.writerIndex
        let n = body()
        let end = c.client.out.writerIndex
        var tail = c.client.out.getSlice(at: start, length: end - start)!
        c.client.out.moveWriterIndex(to: start)
        if map { c.map(n) } else { c.array(n) }
        c.client.out.writeBuffer(&tail)
    }

    static func replyEntry(_ c: CommandContext, _ e: StreamEntry) {
        c.array(2)
        bulkID(c, e.id)
        c.array(e.fieldCount * 2)
        e.forEachPair { f, v in
            c.bulk(f)
            c.bulk(v)
        }
    }

    /// Replies one entry by ID as XCLAIM does; returns whether it exists.
    @discardableResult
    static func replyEntry(_ c: CommandContext, _ s: StreamValue, _ id: StreamID) -> Bool {
        var found = false
        s.forEach(from: id, to: id) { e in
            replyEntry(c, e)
            found = true
            return false
        }
        return found
    }

    /// The arguments with some replaced, for propagation.
    static func rewritten(_ c: CommandContext, _ replacements: [(Int, PropagatedArgument)]) -> [PropagatedArgument] {
        var out: [PropagatedArgument] = (0..<c.args.count).map { .original($0) }
        for (i, a) in replacements { out[i] = a }
        return out
    }

    // MARK: - XADD / XTRIM

    struct TrimArguments {
        var strategy: StreamTrim?
        var approx = false
        var limit = 0
        /// Index of the MAXLEN/MINID value.
        var argIndex = 0
        var noMkStream = false
        var id: StreamID?
        var seqGiven = true
    }

    /// streamParseAddOrTrimArgsOrReply: returns the arguments and, for XADD, the index of the ID.
    static func parseAddOrTrim(_ c: CommandContext, xadd: Bool) throws(CommandError) -> (TrimArguments, Int) {
        var a = TrimArguments()
        let args = c.args
        var i = 2
        var limitGiven = false
        while i < args.count {
            let more = args.count - 1 - i
            let opt = args[i]
            if xadd && opt.count == 1 && opt[0] == UInt8(ascii: "*") {
                break
            } else if isToken(opt, "maxlen") && more > 0 || isToken(opt, "minid") && more > 0 {
                let minid = isToken(opt, "minid")
                if a.strategy != nil {
                    throw .err("syntax error, MAXLEN and MINID options at the same time are not compatible")
                }
                a.approx = false
                let next = args[i + 1]
                if more >= 2 && next.count == 1 && next[0] == UInt8(ascii: "~") {
                    a.approx = true
                    i += 1
                } else if more >= 2 && next.count == 1 && next[0] == UInt8(ascii: "=") {
                    i += 1
                }
                if minid {
                    guard let r = StreamID.parse(args[i + 1], missingSeq: 0, strict: true) else { throw invalidID }
                    a.strategy = .minID(r.id)
                } else {
                    let n = try c.int(i + 1)
                    if n < 0 { throw .err("The MAXLEN argument must be >= 0.") }
                    a.strategy = .maxLength(n)
                }
                i += 1
                a.argIndex = i
            } else if isToken(opt, "limit") && more > 0 {
                let n = try c.int(i + 1)
                if n < 0 { throw .err("The LIMIT argument must be >= 0.") }
                a.limit = n
                limitGiven = true
                i += 1
            } else if xadd && isToken(opt, "nomkstream") {
                a.noMkStream = true
            } else if xadd {
                guard let r = StreamID.parse(opt, missingSeq: 0, strict: true, allowSeqStar: true) else {
                    throw invalidID
                }
                a.id = r.id
                a.seqGiven = r.seqGiven
                break
            } else {
                throw .syntax
            }
            i += 1
        }
        if a.limit != 0 && a.strategy == nil {
            throw .err("syntax error, LIMIT cannot be used without specifying a trimming strategy")
        }
        if !xadd && a.strategy == nil { throw .err("syntax error, XTRIM must be called with a trimming strategy") }
        if c.keyspace.state.isLoading {
            // Replayed commands carry the exact trim point.
            a.limit = 0
        } else if limitGiven {
            if !a.approx { throw .err("syntax error, LIMIT cannot be used without the special ~ option") }
        } else if a.approx {
            let n = 100 * c.server.config.streamNodeMaxEntries
            a.limit = n <= 0 ? 10000 : min(n, 1_000_000)
        } else {
            a.limit = 0
        }
        return (a, i)
    }

    /// Trims after XADD / for XTRIM; with `~` the propagated command names the exact result (MAXLEN = length or
    /// MINID = first ID), so replays do not depend on node boundaries.
    static func applyTrim(_ c: CommandContext, _ s: StreamValue, _ a: TrimArguments,
                          extra: [(Int, PropagatedArgument)] = []) -> Int {
        guard let strategy = a.strategy else { return 0 }
        let removed = s.trim(strategy, approx: a.approx, limit: a.limit)
        if a.approx {
            let exact: PropagatedArgument
            if case .maxLength = strategy {
                exact = .integer(Int64(s.length))
            } else {
                exact = idArgument(s.edgeID(first: true) ?? .zero)
            }
            c.propagateAs(rewritten(c, extra + [(a.argIndex - 1, "="), (a.argIndex, exact)]))
        }
        return removed
    }

    static func xadd(_ c: CommandContext) throws(CommandError) {
        let (a, idIndex) = try parseAddOrTrim(c, xadd: true)
        let fieldsAt = idIndex + 1
        let n = c.args.count - fieldsAt
        if n < 2 || n % 2 == 1 { throw .wrongArity("xadd") }
        if let id = a.id, a.seqGiven, id.isZero { throw .err("The ID specified in XADD must be greater than 0-0") }
        let key = c.args[1]
        let existing = try writeStream(c, key)
        if existing == nil && a.noMkStream {
            c.null()
            return
        }
        let s = existing ?? StreamValue()
        if s.lastID == .max { throw .err("The stream has exhausted the last possible ID, unable to add more items") }
        guard let id = s.nextID(explicit: a.id, seqGiven: a.seqGiven, now: c.now) else {
            throw .err("The ID specified in XADD is equal or smaller than the target stream top item")
        }
        let config = c.server.config
        s.append(id, ArgumentFields(args: c.args, first: fieldsAt), maxNodeBytes: config.streamNodeMaxBytes,
                 maxNodeEntries: config.streamNodeMaxEntries)
        bulkID(c, id)
        if existing == nil {
            _ = c.db.add(key, Value(object: s, type: .stream))
        } else {
            c.db.modified(key)
            c.db.signalReady(key)
        }
        c.notify(.stream, "xadd", key)
        // The generated ID is propagated as given (Redis rewrites argv).
        let idArg: [(Int, PropagatedArgument)] = a.id == nil || !a.seqGiven ? [(idIndex, idArgument(id))] : []
        if !idArg.isEmpty { c.propagateAs(rewritten(c, idArg)) }
        if a.strategy != nil {
            if applyTrim(c, s, a, extra: idArg) > 0 { c.notify(.stream, "xtrim", key) }
        }
    }

    static func xtrim(_ c: CommandContext) throws(CommandError) {
        let (a, _) = try parseAddOrTrim(c, xadd: false)
        let key = c.args[1]
        guard let s = try writeStream(c, key) else {
            c.integer(0)
            return
        }
        let removed = applyTrim(c, s, a)
        if removed > 0 {
            c.notify(.stream, "xtrim", key)
            c.db.modified(key)
            c.keyspace.dirty &+= removed - 1
        }
        c.integer(removed)
    }

    // MARK: - Reads

    static func xlen(_ c: CommandContext) throws(CommandError) {
        c.integer(try readStream(c, c.args[1])?.length ?? 0)
    }

    static func xrange(_ c: CommandContext, reverse: Bool) throws(CommandError) {
        let args = c.args
        var (start, startEx) = try parseInterval(reverse ? args[3] : args[2], missingSeq: 0)
        if startEx {
            guard let n = start.next else { throw .err("invalid start ID for the interval") }
            start = n
        }
        var (end, endEx) = try parseInterval(reverse ? args[2] : args[3], missingSeq: .max)
        if endEx {
            guard let p = end.previous else { throw .err("invalid end ID for the interval") }
            end = p
        }
        var count = -1
        var j = 4
        while j < args.count {
            if isToken(args[j], "count") && j + 1 < args.count {
                count = max(try c.int(j + 1), 0)
                j += 2
            } else {
                throw .syntax
            }
        }
        guard let s = try readStream(c, args[1]) else {
            c.array(0)
            return
        }
        if count == 0 {
            c.nullArray()
            return
        }
        deferred(c) {
            var n = 0
            s.forEach(from: start, to: end, reverse: reverse) { e in
                replyEntry(c, e)
                n += 1
                return count < 0 || n < count
            }
            return n
        }
    }

    static func xdel(_ c: CommandContext) throws(CommandError) {
        let key = c.args[1]
        var ids: [StreamID] = []
        for j in 2..<c.args.count { ids.append(try parseID(c.args[j], strict: true)) }
        guard let s = try writeStream(c, key) else {
            c.integer(0)
            return
        }
        var deleted = 0
        for id in ids where s.delete(id) { deleted += 1 }
        if deleted > 0 {
            c.db.modified(key)
            c.notify(.stream, "xdel", key)
            c.keyspace.dirty &+= deleted - 1
        }
        c.integer(deleted)
    }

    static func xsetid(_ c: CommandContext) throws(CommandError) {
        let args = c.args
        let id = try parseID(args[2], strict: true)
        var entriesAdded: Int64 = -1
        var maxDeleted = StreamID.zero
        var i = 3
        while i < args.count {
            let more = args.count - 1 - i
            if isToken(args[i], "entriesadded") && more > 0 {
                entriesAdded = Int64(try c.int(i + 1))
                if entriesAdded < 0 { throw .err("entries_added must be positive") }
            } else if isToken(args[i], "maxdeletedid") && more > 0 {
                maxDeleted = try parseID(args[i + 1], strict: true)
                if id < maxDeleted {
                    throw .err("The ID specified in XSETID is smaller than the provided max_deleted_entry_id")
                }
            } else {
                throw .syntax
            }
            i += 2
        }
        let key = args[1]
        guard let s = try writeStream(c, key) else { throw .noSuchKey }
        if id < s.maxDeletedID {
            throw .err("The ID specified in XSETID is smaller than current max_deleted_entry_id")
        }
        if s.length > 0 {
            if let top = s.edgeID(first: false), id < top {
                throw .err("The ID specified in XSETID is smaller than the target stream top item")
            }
            if entriesAdded != -1 && Int64(s.length) > entriesAdded {
                throw .err("The entries_added specified in XSETID is smaller than the target stream length")
            }
        }
        s.lastID = id
        if entriesAdded != -1 { s.entriesAdded = entriesAdded }
        if !maxDeleted.isZero { s.maxDeletedID = maxDeleted }
        c.ok()
        c.db.modified(key)
        c.notify(.stream, "xsetid", key)
    }

    // MARK: - XREAD / XREADGROUP

    static func xread(_ c: CommandContext, group isGroup: Bool) throws(CommandError) {
        let args = c.args
        var timeout: Int64 = -1
        var count = 0
        var streamsAt = 0
        var streamsCount = 0
        var noack = false
        var groupIndex = 0
        var i = 1
        while i < args.count {
            let more = args.count - i - 1
            let o = args[i]
            if isToken(o, "block") && more > 0 {
                if c.client.fd < 0 && c.server.scriptCaller != nil {
                    throw .err("\(args.string(0)) command is not allowed with BLOCK option from scripts")
                }
                i += 1
                guard let t = parseInt64(args[i]) else { throw .err("timeout is not an integer or out of range") }
                if t < 0 { throw .err("timeout is negative") }
                timeout = t
            } else if isToken(o, "count") && more > 0 {
                i += 1
                count = max(try c.int(i), 0)
            } else if isToken(o, "streams") && more > 0 {
                streamsAt = i + 1
                streamsCount = args.count - streamsAt
                if streamsCount % 2 != 0 {
                    let name = isGroup ? "xreadgroup" : "xread"
                    let symbol = isGroup ? ">" : "$"
                    throw .err("Unbalanced '\(name)' list of streams: for each stream key an ID or '\(symbol)' must be specified.")
                }
                streamsCount /= 2
                break
            } else if isToken(o, "group") && more >= 2 {
                if !isGroup { throw .err("The GROUP option is only supported by XREADGROUP. You called XREAD instead.") }
                groupIndex = i + 1
                i += 2
            } else if isToken(o, "noack") {
                if !isGroup { throw .err("The NOACK option is only supported by XREADGROUP. You called XREAD instead.") }
                noack = true
            } else {
                throw .syntax
            }
            i += 1
        }
        if streamsAt == 0 { throw .syntax }
        if isGroup && groupIndex == 0 { throw .err("Missing GROUP option for XREADGROUP") }

        var ids: [StreamID] = []
        var groups: [StreamGroup?] = []
        var dollar: [(Int, StreamID)] = []
        ids.reserveCapacity(streamsCount)
        for k in 0..<streamsCount {
            let key = args[streamsAt + k]
            let idArg = args[streamsAt + streamsCount + k]
            let s = try readStreamNoStats(c, key)
            if isGroup {
                guard let s, let g = s.group(args[groupIndex]) else {
                    throw CommandError("NOGROUP No such key '\(args.string(streamsAt + k))' or consumer group '\(args.string(groupIndex))' in XREADGROUP with GROUP option")
                }
                groups.append(g)
            }
            if idArg.count == 1 && idArg[0] == UInt8(ascii: "$") {
                if isGroup {
                    throw .err("The $ ID is meaningless in the context of XREADGROUP: you want to read the history of this consumer by specifying a proper ID, or use the > ID to get new messages. The $ ID would just return an empty result set.")
                }
                let id = s?.lastID ?? .zero
                ids.append(id)
                dollar.append((streamsAt + streamsCount + k, id))
                continue
            }
            if idArg.count == 1 && idArg[0] == UInt8(ascii: ">") {
                if !isGroup {
                    throw .err("The > ID can be specified only when calling XREADGROUP using the GROUP <group> <consumer> option.")
                }
                ids.append(.max)
                continue
            }
            ids.append(try parseID(idArg, strict: true))
        }

        var served = false
        let now = c.now
        deferred(c, map: c.resp3) {
            var n = 0
            for k in 0..<streamsCount {
                let key = args[streamsAt + k]
                guard let v = c.db.get(key, options: [.noStats, .noTouch]), v.type == .stream else { continue }
                let s = unsafeDowncast(v.collection, to: StreamValue.self)
                var gt = ids[k]
                var synchronous = false
                var history = false
                var consumer: StreamConsumer?
                if isGroup, let g = groups[k] {
                    if gt != .max {
                        synchronous = true
                        history = true
                    } else if s.length > 0, let top = s.edgeID(first: false), top > g.lastID {
                        synchronous = true
                        gt = g.lastID
                    }
                    let (found, created) = lookupOrCreateConsumer(c, g, args[groupIndex + 1], key: key, now: now)
                    if created && noack {
                        c.alsoPropagate(["XGROUP", "CREATECONSUMER", .original(streamsAt + k),
                                         .original(groupIndex), .original(groupIndex + 1)])
                    }
                    consumer = found
                } else if s.length > 0, let top = s.edgeID(first: false), top > gt {
                    synchronous = true
                }
                guard synchronous else { continue }
                n += 1
                if !c.resp3 { c.array(2) }
                c.bulk(key)
                let start = gt.next ?? .max
                if let g = isGroup ? groups[k] : nil, let consumer {
                    if history {
                        replyFromConsumerPEL(c, s, consumer, from: start, count: count)
                    } else {
                        replyNewToGroup(c, s, g, consumer, from: start, count: count, noack: noack,
                                        keyIndex: streamsAt + k, groupIndex: groupIndex)
                    }
                    c.keyspace.dirty &+= 1
                } else {
                    deferred(c) {
                        var m = 0
                        s.forEach(from: start) { e in
                            replyEntry(c, e)
                            m += 1
                            return count == 0 || m < count
                        }
                        return m
                    }
                }
            }
            served = n > 0
            return n
        }
        // XREAD/XREADGROUP themselves are never propagated (their effects are, as XCLAIM / XGROUP SETID).
        c.preventPropagation()
        if served { return }
        // Nothing to serve: drop the empty header written above.
        c.client.out.moveWriterIndex(to: c.client.out.writerIndex - (c.resp3 ? 4 : 4))
        if timeout != -1 {
            if c.client.denyBlocking {
                c.nullArray()
                return
            }
            let deadline = timeout == 0 ? 0 : c.now + timeout
            c.server.block(c, on: .stream, keyIndexes: streamsAt..<(streamsAt + streamsCount), deadline: deadline,
                           unblockOnNoKey: isGroup, rewrite: dollar.map { ($0.0, $0.1.bytes) })
            return
        }
        c.nullArray()
    }

    /// A stream lookup for XREAD's argument checks (lookupKeyRead: counts hits and misses).
    static func readStreamNoStats(_ c: CommandContext, _ key: UnsafeRawBufferPointer) throws(CommandError)
        -> StreamValue?
    {
        try readStream(c, key)
    }

    /// streamReplyWithRange for a group reading new entries: each one advances the group and, without NOACK,
    /// becomes pending for the consumer; each is propagated as XCLAIM (or the group's last ID as XGROUP SETID).
    static func replyNewToGroup(_ c: CommandContext, _ s: StreamValue, _ g: StreamGroup, _ consumer: StreamConsumer,
                                from start: StreamID, count: Int, noack: Bool, keyIndex: Int, groupIndex: Int) {
        let now = c.now
        var advanced = false
        deferred(c) {
            var n = 0
            s.forEach(from: start) { e in
                if e.id > g.lastID {
                    s.advance(g, to: e.id)
                    if noack { advanced = true }
                }
                replyEntry(c, e)
                if !noack {
                    let nack: StreamNACK
                    if let existing = g.pel[e.id] {
                        existing.consumer?.pel.remove(e.id)
                        existing.consumer = consumer
                        existing.deliveryTime = now
                        existing.deliveryCount = 1
                        consumer.pel.insert(e.id, existing)
                        nack = existing
                    } else {
                        nack = StreamNACK(deliveryTime: now, deliveryCount: 1, consumer: consumer)
                        g.pel.insert(e.id, nack)
                        consumer.pel.insert(e.id, nack)
                    }
                    consumer.activeTime = now
                    propagateClaim(c, keyIndex: keyIndex, groupIndex: groupIndex, g, e.id, nack)
                }
                n += 1
                return count == 0 || n < count
            }
            return n
        }
        if advanced { propagateGroupID(c, keyIndex: keyIndex, groupIndex: groupIndex, g) }
    }

    /// streamReplyWithRangeFromConsumerPEL: the consumer's pending entries from `start`; deleted entries reply
    /// their ID with a null.
    static func replyFromConsumerPEL(_ c: CommandContext, _ s: StreamValue, _ consumer: StreamConsumer,
                                     from start: StreamID, count: Int) {
        let now = c.now
        let first = consumer.pel.lowerBound(start)
        let keys = consumer.pel.keys
        let values = consumer.pel.values
        var n = 0
        let last = count > 0 ? min(keys.count, first + count) : keys.count
        c.array(max(last - first, 0))
        var i = first
        while i < last {
            let id = keys[i]
            if replyEntry(c, s, id) {
                values[i].deliveryTime = now
                values[i].deliveryCount += 1
            } else {
                c.array(2)
                bulkID(c, id)
                c.nullArray()
            }
            n += 1
            i += 1
        }
    }

    /// streamPropagateXCLAIM: XCLAIM key group consumer 0 id TIME ms RETRYCOUNT n FORCE JUSTID LASTID last.
    static func propagateClaim(_ c: CommandContext, keyIndex: Int, groupIndex: Int, _ g: StreamGroup,
                               _ id: StreamID, _ nack: StreamNACK) {
        c.alsoPropagate(["XCLAIM", .original(keyIndex), .original(groupIndex),
                         .bytes(nack.consumer?.name.array ?? []), "0", idArgument(id), "TIME",
                         .integer(nack.deliveryTime), "RETRYCOUNT", .integer(nack.deliveryCount), "FORCE",
                         "JUSTID", "LASTID", idArgument(g.lastID)])
    }

    /// streamPropagateGroupID: XGROUP SETID key group last ENTRIESREAD n.
    static func propagateGroupID(_ c: CommandContext, keyIndex: Int, groupIndex: Int, _ g: StreamGroup) {
        c.alsoPropagate(["XGROUP", "SETID", .original(keyIndex), .original(groupIndex), idArgument(g.lastID),
                         "ENTRIESREAD", .integer(g.entriesRead)])
    }

    // MARK: - XGROUP

    /// The options after XGROUP CREATE/SETID's ID; returns (MKSTREAM, ENTRIESREAD).
    static func groupOptions(_ c: CommandContext, create: Bool) throws(CommandError) -> (Bool, Int64) {
        var mkstream = false
        var entriesRead = StreamGroup.invalidEntriesRead
        var i = 5
        let args = c.args
        while i < args.count {
            if create && isToken(args[i], "mkstream") {
                mkstream = true
                i += 1
            } else if isToken(args[i], "entriesread") && i + 1 < args.count {
                entriesRead = Int64(try c.int(i + 1))
                if entriesRead < 0 && entriesRead != StreamGroup.invalidEntriesRead {
                    throw .err("value for ENTRIESREAD must be positive or -1")
                }
                i += 2
            } else {
                throw subcommandSyntax(c)
            }
        }
        return (mkstream, entriesRead)
    }

    static func subcommandSyntax(_ c: CommandContext) -> CommandError {
        .err("unknown subcommand or wrong number of arguments for '\(c.args.string(1).prefix(128))'. Try XGROUP HELP.")
    }

    static func requireStream(_ c: CommandContext) throws(CommandError) -> StreamValue {
        guard let s = try writeStream(c, c.args[2]) else {
            throw .err("The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.")
        }
        return s
    }

    static func requireGroup(_ c: CommandContext, _ s: StreamValue) throws(CommandError) -> StreamGroup {
        guard let g = s.group(c.args[3]) else {
            throw CommandError("NOGROUP No such consumer group '\(c.args.string(3))' for key name '\(c.args.string(2))'")
        }
        return g
    }

    static func xgroupCreate(_ c: CommandContext) throws(CommandError) {
        if c.args.count > 8 { throw subcommandSyntax(c) }
        let (mkstream, entriesRead) = try groupOptions(c, create: true)
        let key = c.args[2]
        var s = try writeStream(c, key)
        if s == nil && !mkstream { _ = try requireStream(c) }
        let idArg = c.args[4]
        let id: StreamID
        if idArg.count == 1 && idArg[0] == UInt8(ascii: "$") {
            id = s?.lastID ?? .zero
        } else {
            id = try parseID(idArg, strict: true)
        }
        if s == nil {
            let created = StreamValue()
            _ = c.db.add(key, Value(object: created, type: .stream))
            s = created
        }
        guard s!.createGroup(c.args[3], lastID: id, entriesRead: entriesRead) != nil else {
            throw CommandError("BUSYGROUP Consumer Group name already exists")
        }
        c.ok()
        c.db.modified(key)
        c.notify(.stream, "xgroup-create", key)
    }

    static func xgroupSetID(_ c: CommandContext) throws(CommandError) {
        if c.args.count != 5 && c.args.count != 7 {
            _ = try groupOptions(c, create: false)
            throw subcommandSyntax(c)
        }
        let (_, entriesRead) = try groupOptions(c, create: false)
        let s = try requireStream(c)
        let g = try requireGroup(c, s)
        let idArg = c.args[4]
        let id = idArg.count == 1 && idArg[0] == UInt8(ascii: "$") ? s.lastID : try parseID(idArg)
        g.lastID = id
        g.entriesRead = entriesRead
        c.ok()
        c.db.modified(c.args[2])
        c.notify(.stream, "xgroup-setid", c.args[2])
    }

    static func xgroupDestroy(_ c: CommandContext) throws(CommandError) {
        let s = try requireStream(c)
        if s.destroyGroup(c.args[3]) {
            c.integer(1)
            c.db.modified(c.args[2])
            c.notify(.stream, "xgroup-destroy", c.args[2])
            // Waiting XREADGROUPs run again and fail with NOGROUP.
            c.db.signalReady(c.args[2])
        } else {
            c.integer(0)
        }
    }

    /// streamLookupConsumer + streamCreateConsumer for XREADGROUP, XCLAIM and XAUTOCLAIM: the group's consumer,
    /// created when missing (a change with its event), and seen now.
    static func lookupOrCreateConsumer(_ c: CommandContext, _ g: StreamGroup, _ name: UnsafeRawBufferPointer,
                                       key: UnsafeRawBufferPointer, now: Int64) -> (consumer: StreamConsumer, created: Bool) {
        var created = false
        var consumer = g.consumer(name)
        if consumer == nil {
            consumer = g.createConsumer(name, now: now)
            c.keyspace.dirty &+= 1
            c.notify(.stream, "xgroup-createconsumer", key)
            created = true
        }
        let found = consumer!
        found.seenTime = now
        return (found, created)
    }

    static func xgroupCreateConsumer(_ c: CommandContext) throws(CommandError) {
        let s = try requireStream(c)
        let g = try requireGroup(c, s)
        if g.createConsumer(c.args[4], now: c.now) != nil {
            c.db.modified(c.args[2])
            c.notify(.stream, "xgroup-createconsumer", c.args[2])
            c.integer(1)
        } else {
            c.integer(0)
        }
    }

    static func xgroupDelConsumer(_ c: CommandContext) throws(CommandError) {
        let s = try requireStream(c)
        let g = try requireGroup(c, s)
        if let pending = g.deleteConsumer(c.args[4]) {
            c.db.modified(c.args[2])
            c.notify(.stream, "xgroup-delconsumer", c.args[2])
            c.integer(pending)
        } else {
            c.integer(0)
        }
    }

    // MARK: - XACK / XPENDING

    static func xack(_ c: CommandContext) throws(CommandError) {
        let key = c.args[1]
        let s = try readStream(c, key)
        guard let s, let g = s.group(c.args[2]) else {
            c.integer(0)
            return
        }
        var ids: [StreamID] = []
        for j in 3..<c.args.count { ids.append(try parseID(c.args[j], strict: true)) }
        var acked = 0
        for id in ids where g.acknowledge(id) { acked += 1 }
        if acked > 0 {
            c.keyspace.dirty &+= acked - 1
            c.db.modified(key)
        }
        c.integer(acked)
    }

    static func noGroup(_ c: CommandContext) -> CommandError {
        CommandError("NOGROUP No such key '\(c.args.string(1))' or consumer group '\(c.args.string(2))'")
    }

    static func xpending(_ c: CommandContext) throws(CommandError) {
        let args = c.args
        let summary = args.count == 3
        if args.count != 3 && (args.count < 6 || args.count > 9) { throw .syntax }
        var start = StreamID.zero
        var end = StreamID.max
        var count = 0
        var minIdle: Int64 = 0
        var consumerIndex = 0
        if args.count >= 6 {
            var at = 3
            if isToken(args[3], "idle") {
                minIdle = Int64(try c.int(4))
                if args.count < 8 { throw .syntax }
                at += 2
            }
            count = max(try c.int(at + 2), 0)
            var ex: Bool
            (start, ex) = try parseInterval(args[at], missingSeq: 0)
            if ex {
                guard let n = start.next else { throw .err("invalid start ID for the interval") }
                start = n
            }
            (end, ex) = try parseInterval(args[at + 1], missingSeq: .max)
            if ex {
                guard let p = end.previous else { throw .err("invalid end ID for the interval") }
                end = p
            }
            if at + 3 < args.count { consumerIndex = at + 3 }
        }
        let s = try readStream(c, args[1])
        guard let s, let g = s.group(args[2]) else { throw noGroup(c) }
        if summary {
            c.array(4)
            c.integer(g.pel.count)
            if g.pel.isEmpty {
                c.null()
                c.null()
                c.nullArray()
                return
            }
            bulkID(c, g.pel.keys.first!)
            bulkID(c, g.pel.keys.last!)
            let owners = g.consumers.filter { !$0.pel.isEmpty }
            c.array(owners.count)
            for o in owners {
                c.array(2)
                c.bulk(o.name)
                c.bulk(String(o.pel.count))
            }
            return
        }
        var pel = g.pel
        if consumerIndex > 0 {
            guard let consumer = g.consumer(args[consumerIndex]) else {
                c.array(0)
                return
            }
            pel = consumer.pel
        }
        let now = c.now
        deferred(c) {
            var n = 0
            var i = pel.lowerBound(start)
            while count > 0 && i < pel.count && pel.keys[i] <= end {
                let nack = pel.values[i]
                let id = pel.keys[i]
                i += 1
                if minIdle > 0 && now - nack.deliveryTime < minIdle { continue }
                n += 1
                count -= 1
                c.array(4)
                bulkID(c, id)
                c.bulk(nack.consumer?.name ?? Bytes())
                c.integer(Int(max(now - nack.deliveryTime, 0)))
                c.integer(Int(nack.deliveryCount))
            }
            return n
        }
    }

    // MARK: - XCLAIM / XAUTOCLAIM

    static func xclaim(_ c: CommandContext) throws(CommandError) {
        let args = c.args
        let key = args[1]
        let s = try readStream(c, key)
        guard let s, let g = s.group(args[2]) else { throw noGroup(c) }
        var minIdle = Int64(try c.int(4, error: .err("Invalid min-idle-time argument for XCLAIM")))
        if minIdle < 0 { minIdle = 0 }
        var ids: [StreamID] = []
        var j = 5
        while j < args.count, let r = StreamID.parse(args[j], missingSeq: 0, strict: true) {
            ids.append(r.id)
            j += 1
        }
        let lastIDArg = j - 1
        let now = c.now
        var lastID = StreamID.zero
        var deliveryTime: Int64 = -1
        var retryCount: Int64 = -1
        var force = false
        var justID = false
        while j < args.count {
            let more = args.count - 1 - j
            let opt = args[j]
            if isToken(opt, "force") {
                force = true
            } else if isToken(opt, "justid") {
                justID = true
            } else if isToken(opt, "idle") && more > 0 {
                j += 1
                deliveryTime = now - Int64(try c.int(j, error: .err("Invalid IDLE option argument for XCLAIM")))
            } else if isToken(opt, "time") && more > 0 {
                j += 1
                deliveryTime = Int64(try c.int(j, error: .err("Invalid TIME option argument for XCLAIM")))
            } else if isToken(opt, "retrycount") && more > 0 {
                j += 1
                retryCount = Int64(try c.int(j, error: .err("Invalid RETRYCOUNT option argument for XCLAIM")))
            } else if isToken(opt, "lastid") && more > 0 {
                j += 1
                lastID = try parseID(args[j], strict: true)
            } else {
                throw .err("Unrecognized XCLAIM option '\(args.string(j))'")
            }
            j += 1
        }
        var propagateLastID = false
        if lastID > g.lastID {
            g.lastID = lastID
            propagateLastID = true
        }
        if deliveryTime != -1 {
            if deliveryTime < 0 || deliveryTime > now { deliveryTime = now }
        } else {
            deliveryTime = now
        }
        let owner = lookupOrCreateConsumer(c, g, args[3], key: key, now: now).consumer
        deferred(c) {
            var n = 0
            for (k, id) in ids.enumerated() where 5 + k <= lastIDArg {
                var nack = g.pel[id]
                if !s.contains(id) {
                    if let nk = nack {
                        propagateClaim(c, keyIndex: 1, groupIndex: 2, g, id, nk)
                        propagateLastID = false
                        c.keyspace.dirty &+= 1
                        _ = g.acknowledge(id)
                    }
                    continue
                }
                if force && nack == nil {
                    let created = StreamNACK(deliveryTime: now, deliveryCount: 1, consumer: nil)
                    g.pel.insert(id, created)
                    nack = created
                }
                guard let nk = nack else { continue }
                if nk.consumer != nil && minIdle > 0 && now - nk.deliveryTime < minIdle { continue }
                if nk.consumer !== owner { nk.consumer?.pel.remove(id) }
                nk.deliveryTime = deliveryTime
                if retryCount >= 0 {
                    nk.deliveryCount = retryCount
                } else if !justID {
                    nk.deliveryCount += 1
                }
                if nk.consumer !== owner {
                    owner.pel.insert(id, nk)
                    nk.consumer = owner
                }
                if justID {
                    bulkID(c, id)
                } else {
                    replyEntry(c, s, id)
                }
                n += 1
                owner.activeTime = now
                propagateClaim(c, keyIndex: 1, groupIndex: 2, g, id, nk)
                propagateLastID = false
                c.keyspace.dirty &+= 1
            }
            return n
        }
        if propagateLastID {
            propagateGroupID(c, keyIndex: 1, groupIndex: 2, g)
            c.keyspace.dirty &+= 1
        }
        c.preventPropagation()
    }

    static func xautoclaim(_ c: CommandContext) throws(CommandError) {
        let args = c.args
        let key = args[1]
        var minIdle = Int64(try c.int(4, error: .err("Invalid min-idle-time argument for XAUTOCLAIM")))
        if minIdle < 0 { minIdle = 0 }
        var (start, ex) = try parseInterval(args[5], missingSeq: 0)
        if ex {
            guard let n = start.next else { throw .err("invalid start ID for the interval") }
            start = n
        }
        var count = 100
        var justID = false
        var j = 6
        while j < args.count {
            let more = args.count - 1 - j
            if isToken(args[j], "count") && more > 0 {
                let maxCount = Int.max / 16
                guard let v = parseInt64(args[j + 1]), v >= 1, v <= maxCount else {
                    throw .err("COUNT must be > 0")
                }
                count = Int(v)
                j += 1
            } else if isToken(args[j], "justid") {
                justID = true
            } else {
                throw .syntax
            }
            j += 1
        }
        let s = try readStream(c, key)
        guard let s, let g = s.group(args[2]) else { throw noGroup(c) }
        let now = c.now
        let owner = lookupOrCreateConsumer(c, g, args[3], key: key, now: now).consumer
        var attempts = count * 10
        var deletedIDs: [StreamID] = []
        var cursor = start
        var endID = StreamID.zero
        var claimed: [StreamID] = []
        var i = g.pel.lowerBound(cursor)
        while attempts > 0 && count > 0 && i < g.pel.count {
            attempts -= 1
            let id = g.pel.keys[i]
            let nack = g.pel.values[i]
            if !s.contains(id) {
                propagateClaim(c, keyIndex: 1, groupIndex: 2, g, id, nack)
                c.keyspace.dirty &+= 1
                _ = g.acknowledge(id)
                deletedIDs.append(id)
                count -= 1
                continue
            }
            i += 1
            if minIdle > 0 && now - nack.deliveryTime < minIdle { continue }
            if nack.consumer !== owner { nack.consumer?.pel.remove(id) }
            nack.deliveryTime = now
            if !justID { nack.deliveryCount += 1 }
            if nack.consumer !== owner {
                owner.pel.insert(id, nack)
                nack.consumer = owner
            }
            claimed.append(id)
            count -= 1
            owner.activeTime = now
            propagateClaim(c, keyIndex: 1, groupIndex: 2, g, id, nack)
            c.keyspace.dirty &+= 1
        }
        if i < g.pel.count { endID = g.pel.keys[i] }
        cursor = endID
        c.array(3)
        bulkID(c, cursor)
        c.array(claimed.count)
        for id in claimed {
            if justID { bulkID(c, id) } else { replyEntry(c, s, id) }
        }
        c.array(deletedIDs.count)
        for id in deletedIDs { bulkID(c, id) }
        c.preventPropagation()
    }

    // MARK: - XINFO

    static func xinfoStream(_ c: CommandContext) throws(CommandError) {
        let args = c.args
        var full = false
        var count = 10
        let optc = args.count - 3
        if optc > 0 {
            if optc != 1 && optc != 3 { throw xinfoSyntax(c) }
            if !isToken(args[3], "full") { throw xinfoSyntax(c) }
            full = true
            if optc == 3 {
                if !isToken(args[4], "count") { throw xinfoSyntax(c) }
                count = try c.int(5)
                if count < 0 { count = 10 }
            }
        }
        guard let s = try readStream(c, args[2]) else { throw .noSuchKey }
        c.map(full ? 9 : 10)
        c.bulk("length")
        c.integer(s.length)
        c.bulk("radix-tree-keys")
        c.integer(s.nodeCount)
        c.bulk("radix-tree-nodes")
        c.integer(radixTreeNodes(s))
        c.bulk("last-generated-id")
        bulkID(c, s.lastID)
        c.bulk("max-deleted-entry-id")
        bulkID(c, s.maxDeletedID)
        c.bulk("entries-added")
        c.integer(Int(s.entriesAdded))
        c.bulk("recorded-first-entry-id")
        bulkID(c, s.firstID)
        if !full {
            c.bulk("groups")
            c.integer(s.groups.count)
            c.bulk("first-entry")
            var any = false
            s.forEach { e in
                replyEntry(c, e)
                any = true
                return false
            }
            if !any { c.null() }
            c.bulk("last-entry")
            any = false
            s.forEach(reverse: true) { e in
                replyEntry(c, e)
                any = true
                return false
            }
            if !any { c.null() }
            return
        }
        c.bulk("entries")
        deferred(c) {
            var n = 0
            s.forEach { e in
                replyEntry(c, e)
                n += 1
                return count == 0 || n < count
            }
            return n
        }
        c.bulk("groups")
        c.array(s.groups.count)
        for g in s.groups {
            c.map(7)
            c.bulk("name")
            c.bulk(g.name)
            c.bulk("last-delivered-id")
            bulkID(c, g.lastID)
            c.bulk("entries-read")
            if g.entriesRead != StreamGroup.invalidEntriesRead { c.integer(Int(g.entriesRead)) } else { c.null() }
            c.bulk("lag")
            if let lag = s.lag(of: g) { c.integer(Int(lag)) } else { c.null() }
            c.bulk("pel-count")
            c.integer(g.pel.count)
            c.bulk("pending")
            let pn = count == 0 ? g.pel.count : min(count, g.pel.count)
            c.array(pn)
            for i in 0..<pn {
                let nack = g.pel.values[i]
                c.array(4)
                bulkID(c, g.pel.keys[i])
                c.bulk(nack.consumer?.name ?? Bytes())
                c.integer(Int(nack.deliveryTime))
                c.integer(Int(nack.deliveryCount))
            }
            c.bulk("consumers")
            c.array(g.consumers.count)
            for consumer in g.consumers {
                c.map(5)
                c.bulk("name")
                c.bulk(consumer.name)
                c.bulk("seen-time")
                c.integer(Int(consumer.seenTime))
                c.bulk("active-time")
                c.integer(Int(consumer.activeTime))
                c.bulk("pel-count")
                c.integer(consumer.pel.count)
                c.bulk("pending")
                let cn = count == 0 ? consumer.pel.count : min(count, consumer.pel.count)
                c.array(cn)
                for i in 0..<cn {
                    let nack = consumer.pel.values[i]
                    c.array(3)
                    bulkID(c, consumer.pel.keys[i])
                    c.integer(Int(nack.deliveryTime))
                    c.integer(Int(nack.deliveryCount))
                }
            }
        }
    }

    /// Redis's rax node count for the stream's node keys: one per key plus the shared prefix nodes; an estimate
    /// (the exact count depends on rax's compression of the 16-byte big-endian IDs).
    static func radixTreeNodes(_ s: StreamValue) -> Int {
        s.nodeCount == 0 ? 1 : s.nodeCount + 1
    }

    static func xinfoSyntax(_ c: CommandContext) -> CommandError {
        .err("unknown subcommand or wrong number of arguments for '\(c.args.string(1).prefix(128))'. Try XINFO HELP.")
    }

    static func xinfoGroups(_ c: CommandContext) throws(CommandError) {
        guard let s = try readStream(c, c.args[2]) else { throw .noSuchKey }
        c.array(s.groups.count)
        for g in s.groups {
            c.map(6)
            c.bulk("name")
            c.bulk(g.name)
            c.bulk("consumers")
            c.integer(g.consumers.count)
            c.bulk("pending")
            c.integer(g.pel.count)
            c.bulk("last-delivered-id")
            bulkID(c, g.lastID)
            c.bulk("entries-read")
            if g.entriesRead != StreamGroup.invalidEntriesRead { c.integer(Int(g.entriesRead)) } else { c.null() }
            c.bulk("lag")
            if let lag = s.lag(of: g) { c.integer(Int(lag)) } else { c.null() }
        }
    }

    static func xinfoConsumers(_ c: CommandContext) throws(CommandError) {
        guard let s = try readStream(c, c.args[2]) else { throw .noSuchKey }
        guard let g = s.group(c.args[3]) else {
            throw CommandError("NOGROUP No such consumer group '\(c.args.string(3))' for key name '\(c.args.string(2))'")
        }
        let now = c.now
        c.array(g.consumers.count)
        for consumer in g.consumers {
            c.map(4)
            c.bulk("name")
            c.bulk(consumer.name)
            c.bulk("pending")
            c.integer(consumer.pel.count)
            c.bulk("idle")
            c.integer(Int(max(now - consumer.seenTime, 0)))
            c.bulk("inactive")
            c.integer(Int(consumer.activeTime != -1 ? now - consumer.activeTime : -1))
        }
    }
}
