// List commands (Redis's t_list.c): pushes and pops at both ends (with COUNT), LMPOP, the positional commands
// (LINDEX, LSET, LINSERT, LRANGE, LTRIM, LREM, LPOS), LMOVE/RPOPLPUSH, and the blocking forms BLPOP, BRPOP,
// BLMOVE, BRPOPLPUSH and BLMPOP, which block through Server+Blocking when no key has elements. The data work is
// CinnabarStorage's ListValue; list-max-listpack-size decides its encoding. A key never holds an empty list.
// Argument checks happen in Redis's order (some commands parse numbers before looking the key up, some after),
// so a bad call gets the same error as from Redis.
// SPDX-License-Identifier: BSD-3-Clause
import CinnabarRESP
import CinnabarStorage

enum ListCommands {
    /// The family's command specs; each server builds its own (they carry its command statistics).
    static func makeSpecs() -> [CommandSpec] {
        let acl = ["@list"]
        let g = "list"
        func keynum(_ at: Int) -> KeySpec {
            KeySpec(flags: ["RW", "ACCESS", "DELETE"], begin: .index(at),
                    find: .keynum(keyNumIndex: 0, firstKey: 1, step: 1))
        }
        return [
        CommandSpec("lpush", arity: -3, flags: [.write, .denyOOM, .fast], keys: [.key(1, "RW INSERT")], acl: acl,
                    group: g, handler: { c throws(CommandError) in try push(c, .head, onlyExisting: false) }),
        CommandSpec("rpush", arity: -3, flags: [.write, .denyOOM, .fast], keys: [.key(1, "RW INSERT")], acl: acl,
                    group: g, handler: { c throws(CommandError) in try push(c, .tail, onlyExisting: false) }),
        CommandSpec("lpushx", arity: -3, flags: [.write, .denyOOM, .fast], keys: [.key(1, "RW INSERT")], acl: acl,
                    group: g, handler: { c throws(CommandError) in try push(c, .head, onlyExisting: true) }),
        CommandSpec("rpushx", arity: -3, flags: [.write, .denyOOM, .fast], keys: [.key(1, "RW INSERT")], acl: acl,
                    group: g, handler: { c throws(CommandError) in try push(c, .tail, onlyExisting: true) }),
        CommandSpec("lpop", arity: -2, flags: [.write, .fast], keys: [.key(1, "RW ACCESS DELETE")], acl: acl,
                    group: g, handler: { c throws(CommandError) in try pop(c, .head) }),
        CommandSpec("rpop", arity: -2, flags: [.write, .fast], keys: [.key(1, "RW ACCESS DELETE")], acl: acl,
                    group: g, handler: { c throws(CommandError) in try pop(c, .tail) }),
        CommandSpec("llen", arity: 2, flags: [.readonly, .fast], keys: [.key(1, "RO")], acl: acl, group: g,
                    handler: llen),
        CommandSpec("lindex", arity: 3, flags: [.readonly], keys: [.key(1, "RO ACCESS")], acl: acl, group: g,
                    handler: lindex),
        CommandSpec("linsert", arity: 5, flags: [.write, .denyOOM], keys: [.key(1, "RW INSERT")], acl: acl, group: g,
                    handler: linsert),
        CommandSpec("lrange", arity: 4, flags: [.readonly], keys: [.key(1, "RO ACCESS")], acl: acl, group: g,
                    handler: lrange),
        CommandSpec("lrem", arity: 4, flags: [.write], keys: [.key(1, "RW DELETE")], acl: acl, group: g,
                    handler: lrem),
        CommandSpec("lset", arity: 4, flags: [.write, .denyOOM], keys: [.key(1, "RW UPDATE")], acl: acl, group: g,
                    handler: lset),
        CommandSpec("ltrim", arity: 4, flags: [.write], keys: [.key(1, "RW DELETE")], acl: acl, group: g,
                    handler: ltrim),
        CommandSpec("lpos", arity: -3, flags: [.readonly], keys: [.key(1, "RO ACCESS")], acl: acl, group: g,
                    handler: lpos),
        CommandSpec("lmove", arity: 5, flags: [.write, .denyOOM],
                    keys: [.key(1, "RW ACCESS DELETE"), .key(2, "RW INSERT")], acl: acl, group: g,
                    handler: { c throws(CommandError) in
                        try move(c, from: try end(c.args[3]), to: try end(c.args[4]))
                    }),
        CommandSpec("rpoplpush", arity: 3, flags: [.write, .denyOOM],
                    keys: [.key(1, "RW ACCESS DELETE"), .key(2, "RW INSERT")], acl: acl, group: g,
                    handler: { c throws(CommandError) in try move(c, from: .tail, to: .head) }),
        CommandSpec("lmpop", arity: -4, flags: [.write, .movableKeys], keys: [keynum(1)], acl: acl, group: g,
                    handler: { c throws(CommandError) in try mpop(c, numkeysIndex: 1, blocking: false) }),
        CommandSpec("blpop", arity: -3, flags: [.write, .blocking], keys: [.key(1, "RW ACCESS DELETE", last: -2)],
                    acl: acl, group: g, handler: { c throws(CommandError) in
                        try blockingPop(c, keys: 1..<(c.args.count - 1), end: .head, timeoutIndex: c.args.count - 1,
                                        count: -1)
                    }),
        CommandSpec("brpop", arity: -3, flags: [.write, .blocking], keys: [.key(1, "RW ACCESS DELETE", last: -2)],
                    acl: acl, group: g, handler: { c throws(CommandError) in
                        try blockingPop(c, keys: 1..<(c.args.count - 1), end: .tail, timeoutIndex: c.args.count - 1,
                                        count: -1)
                    }),
        CommandSpec("blmove", arity: 6, flags: [.write, .denyOOM, .blocking],
                    keys: [.key(1, "RW ACCESS DELETE"), .key(2, "RW INSERT")], acl: acl, group: g,
                    handler: { c throws(CommandError) in
                        let from = try end(c.args[3])
                        let to = try end(c.args[4])
                        try blockingMove(c, from: from, to: to, deadline: try c.server.blockingDeadline(c, 5))
                    }),
        CommandSpec("brpoplpush", arity: 4, flags: [.write, .denyOOM, .blocking],
                    keys: [.key(1, "RW ACCESS DELETE"), .key(2, "RW INSERT")], acl: acl, group: g,
                    handler: { c throws(CommandError) in
                        try blockingMove(c, from: .tail, to: .head, deadline: try c.server.blockingDeadline(c, 3))
                    }),
        CommandSpec("blmpop", arity: -5, flags: [.write, .blocking], keys: [keynum(2)], acl: acl, group: g,
                    handler: { c throws(CommandError) in try mpop(c, numkeysIndex: 2, blocking: true) }),
        ]
    }

    // MARK: - Lookup

    /// The list at `key` for a read: nil when missing, WRONGTYPE for another type.
    static func readList(_ c: CommandContext, _ key: UnsafeRawBufferPointer) throws(CommandError) -> ListValue? {
        guard let v = c.db.get(key, options: c.readOptions) else { return nil }
        guard v.type == .list else { throw .wrongType }
        return unsafeDowncast(v.collection, to: ListValue.self)
    }

    /// The list at `key` for a write (no hit/miss statistics): nil when missing, WRONGTYPE for another type.
    static func writeList(_ c: CommandContext, _ key: UnsafeRawBufferPointer) throws(CommandError) -> ListValue? {
        guard let i = c.db.find(key, options: [.noStats]) else { return nil }
        let v = c.db.keys.entry(i).pointee.value
        guard v.type == .list else { throw .wrongType }
        return unsafeDowncast(v.collection, to: ListValue.self)
    }

    /// listElementsRemoved: an emptied list is deleted, a shrunk one may go back to listpack; `count` changes.
    static func removed(_ c: CommandContext, _ key: UnsafeRawBufferPointer, _ list: ListValue, count: Int,
                        event: String) {
        c.notify(.list, event, key)
        if list.count == 0 {
            c.db.delete(key)
            c.notify(.generic, "del", key)
        } else {
            list.shrunk(limits: c.server.config.listLimits)
            c.db.modified(key)
        }
        c.keyspace.dirty &+= count - 1
    }

    /// LEFT or RIGHT (getListPositionFromObjectOrReply).
    static func end(_ arg: UnsafeRawBufferPointer) throws(CommandError) -> ListEnd {
        if argEquals(arg, "left") { return .head }
        if argEquals(arg, "right") { return .tail }
        throw .syntax
    }

    // MARK: - Push

    /// LPUSH/RPUSH/LPUSHX/RPUSHX key element [element ...].
    static func push(_ c: CommandContext, _ end: ListEnd, onlyExisting: Bool) throws(CommandError) {
        let key = c.args[1]
        let limits = c.server.config.listLimits
        let existing = try writeList(c, key)
        if existing == nil && onlyExisting {
            c.integer(0)
            return
        }
        let list = existing ?? ListValue()
        let n = c.args.count - 2
        var bytes = 0
        for i in 2..<c.args.count { bytes += c.args[i].count }
        list.prepareForAdding(bytes: bytes, count: n, limits: limits)
        for i in 2..<c.args.count { list.push(c.args[i], at: end, limits: limits) }
        c.integer(list.count)
        // Adding the key last signals blocked clients; they are served after this command replied.
        if existing == nil {
            _ = c.db.add(key, Value(object: list, type: .list))
        } else {
            c.db.modified(key)
        }
        c.notify(.list, end == .head ? "lpush" : "rpush", key)
        c.keyspace.dirty &+= n - 1
    }

    /// Pushes one element into the list at `key` (created when missing), as LMOVE's destination.
    static func pushOne(_ c: CommandContext, _ key: UnsafeRawBufferPointer, _ list: ListValue?,
                        _ element: UnsafeRawBufferPointer, at end: ListEnd) {
        let limits = c.server.config.listLimits
        let target = list ?? ListValue()
        target.prepareForAdding(bytes: element.count, count: 1, limits: limits)
        target.push(element, at: end, limits: limits)
        if list == nil {
            _ = c.db.add(key, Value(object: target, type: .list))
        } else {
            c.db.modified(key)
        }
        c.notify(.list, end == .head ? "lpush" : "rpush", key)
    }

    // MARK: - Pop

    /// LPOP/RPOP key [count].
    static func pop(_ c: CommandContext, _ end: ListEnd) throws(CommandError) {
        if c.args.count > 3 { throw .wrongArity(c.spec.fullName) }
        var count = -1
        if c.args.count == 3 {
            // getPositiveLongFromObjectOrReply: one error for anything but a non-negative integer.
            guard let n = parseInt64(c.args[2]), n >= 0 else { throw .mustBePositive }
            count = Int(n)
        }
        let key = c.args[1]
        guard let list = try writeList(c, key) else {
            count == -1 ? c.null() : c.nullArray()
            return
        }
        if count == 0 {
            c.array(0)
            return
        }
        if count == -1 {
            list.withElement(at: end) { c.bulk($0) }
            list.removeElement(at: end)
            removed(c, key, list, count: 1, event: end == .head ? "lpop" : "rpop")
            return
        }
        let n = popRange(c, list, end, count)
        removed(c, key, list, count: n, event: end == .head ? "lpop" : "rpop")
    }

    /// Replies up to `count` elements from `end` as an array, in pop order, and removes them. Returns how many.
    static func popRange(_ c: CommandContext, _ list: ListValue, _ end: ListEnd, _ count: Int) -> Int {
        let n = min(count, list.count)
        c.array(n)
        if end == .head {
            list.forEach(in: 0...(n - 1)) { c.bulk($0) }
            list.trim(head: n, tail: 0)
        } else {
            var left = n
            list.forEachReversed { e in
                c.bulk(e)
                left -= 1
                return left > 0
            }
            list.trim(head: 0, tail: n)
        }
        return n
    }

    /// The arguments of LMPOP and BLMPOP from `numkeysIndex` on: key indexes, the end, the count.
    static func parseMultiPop(_ c: CommandContext, numkeysIndex: Int) throws(CommandError) -> (Range<Int>, ListEnd, Int) {
        try MultiPopArguments.parse(c, numkeysIndex: numkeysIndex) { (w) throws(CommandError) -> ListEnd in try end(w) }
    }

    /// LMPOP numkeys key [key ...] LEFT|RIGHT [COUNT count] and BLMPOP timeout numkeys ...
    static func mpop(_ c: CommandContext, numkeysIndex: Int, blocking: Bool) throws(CommandError) {
        let (keys, which, count) = try parseMultiPop(c, numkeysIndex: numkeysIndex)
        if blocking {
            try blockingPop(c, keys: keys, end: which, timeoutIndex: 1, count: count)
            return
        }
        if try !popFirstNonEmpty(c, keys: keys, end: which, count: count) { c.nullArray() }
    }

    /// Pops from the first key of `keys` (argument indexes) holding a list: [key, element] for count -1 (BLPOP),
    /// else [key, [elements...]] (LMPOP). Returns false, replying nothing, when no key holds a list.
    static func popFirstNonEmpty(_ c: CommandContext, keys: Range<Int>, end: ListEnd, count: Int) throws(CommandError) -> Bool {
        for i in keys {
            let key = c.args[i]
            guard let list = try writeList(c, key) else { continue }
            c.array(2)
            c.bulk(key)
            let pop: PropagatedArgument = end == .head ? "LPOP" : "RPOP"
            if count == -1 {
                list.withElement(at: end) { c.bulk($0) }
                list.removeElement(at: end)
                removed(c, key, list, count: 1, event: end == .head ? "lpop" : "rpop")
                // BLPOP/BRPOP, served now or later, are propagated as the plain pop.
                c.propagateAs([pop, .original(i)])
            } else {
                let n = popRange(c, list, end, count)
                removed(c, key, list, count: n, event: end == .head ? "lpop" : "rpop")
                // LMPOP/BLMPOP: [LR]POP key count.
                c.propagateAs([pop, .original(i), .integer(Int64(n))])
            }
            return true
        }
        return false
    }

    /// BLPOP/BRPOP key [key ...] timeout, and BLMPOP: pops like the non-blocking form, or blocks.
    static func blockingPop(_ c: CommandContext, keys: Range<Int>, end: ListEnd, timeoutIndex: Int,
                            count: Int) throws(CommandError) {
        let deadline = try c.server.blockingDeadline(c, timeoutIndex)
        if try popFirstNonEmpty(c, keys: keys, end: end, count: count) { return }
        if c.client.denyBlocking {
            c.nullArray()
            return
        }
        c.server.block(c, on: .list, keyIndexes: keys, deadline: deadline)
    }

    // MARK: - LMOVE

    /// LMOVE source destination LEFT|RIGHT LEFT|RIGHT, RPOPLPUSH.
    static func move(_ c: CommandContext, from: ListEnd, to: ListEnd) throws(CommandError) {
        let sourceKey = c.args[1]
        guard let source = try writeList(c, sourceKey) else {
            c.null()
            return
        }
        let destinationKey = c.args[2]
        let destination = try writeList(c, destinationKey)
        let element = source.pop(at: from)
        element.withUnsafeBytes { e in
            pushOne(c, destinationKey, destination, e, at: to)
            c.bulk(e)
        }
        // Redis counts a move as one change (the pop), not two.
        c.keyspace.dirty &-= 1
        removed(c, sourceKey, source, count: 1, event: from == .head ? "lpop" : "rpop")
    }

    /// BLMOVE and BRPOPLPUSH: LMOVE when the source has elements, else block on it.
    static func blockingMove(_ c: CommandContext, from: ListEnd, to: ListEnd, deadline: Int64) throws(CommandError) {
        if try writeList(c, c.args[1]) != nil {
            try move(c, from: from, to: to)
            // Propagated as the non-blocking form.
            if c.spec.name == "blmove" {
                c.propagateAs(["LMOVE", .original(1), .original(2), .original(3), .original(4)])
            } else {
                c.propagateAs(["RPOPLPUSH", .original(1), .original(2)])
            }
            return
        }
        if c.client.denyBlocking {
            c.null()
            return
        }
        c.server.block(c, on: .list, keyIndexes: 1..<2, deadline: deadline)
    }

    // MARK: - Reads

    static func llen(_ c: CommandContext) throws(CommandError) {
        c.integer(try readList(c, c.args[1])?.count ?? 0)
    }

    /// Resolves a possibly negative index; nil when out of range.
    static func resolve(_ index: Int, count: Int) -> Int? {
        let i = index < 0 ? count + index : index
        return i >= 0 && i < count ? i : nil
    }

    static func lindex(_ c: CommandContext) throws(CommandError) {
        guard let list = try readList(c, c.args[1]) else {
            c.null()
            return
        }
        let index = try c.int(2)
        guard let i = resolve(index, count: list.count) else {
            c.null()
            return
        }
        c.bulk(list.element(at: list.position(i)))
    }

    /// LRANGE key start stop.
    static func lrange(_ c: CommandContext) throws(CommandError) {
        var start = try c.int(2)
        var stop = try c.int(3)
        guard let list = try readList(c, c.args[1]) else {
            c.array(0)
            return
        }
        let n = list.count
        if start < 0 { start = n + start }
        if stop < 0 { stop = n + stop }
        if start < 0 { start = 0 }
        if start > stop || start >= n {
            c.array(0)
            return
        }
        if stop >= n { stop = n - 1 }
        c.array(stop - start + 1)
        list.forEach(in: start...stop) { c.bulk($0) }
    }

    /// LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len].
    static func lpos(_ c: CommandContext) throws(CommandError) {
        var rank = 1
        var count = -1
        var maxlen = 0
        var j = 3
        while j < c.args.count {
            let more = j + 1 < c.args.count
            if argEquals(c.args[j], "RANK") && more {
                guard let r = parseInt64(c.args[j + 1]) else { throw .notInteger }
                if r == Int64.min {
                    throw .err("value is out of range, value must between -9223372036854775807 and 9223372036854775807")
                }
                if r == 0 {
                    throw .err("RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list")
                }
                rank = Int(r)
            } else if argEquals(c.args[j], "COUNT") && more {
                guard let n = parseInt64(c.args[j + 1]), n >= 0 else { throw .err("COUNT can't be negative") }
                count = Int(n)
            } else if argEquals(c.args[j], "MAXLEN") && more {
                guard let n = parseInt64(c.args[j + 1]), n >= 0 else { throw .err("MAXLEN can't be negative") }
                maxlen = Int(n)
            } else {
                throw .syntax
            }
            j += 2
        }
        let fromTail = rank < 0
        if fromTail { rank = -rank }
        guard let list = try readList(c, c.args[1]) else {
            count != -1 ? c.array(0) : c.null()
            return
        }
        let target = c.args[2]
        let n = list.count
        var matches: [Int] = []
        var seen = 0
        var index = 0
        let visit = { (e: UnsafeRawBufferPointer) -> Bool in
            if maxlen != 0 && index >= maxlen { return false }
            if e.count == target.count && memEqual(e, target) {
                seen += 1
                if seen >= rank {
                    matches.append(fromTail ? n - index - 1 : index)
                    if count == -1 || (count != 0 && matches.count >= count) { return false }
                }
            }
            index += 1
            return true
        }
        if fromTail { list.forEachReversed(visit) } else { list.forEach(visit) }
        if count != -1 {
            c.array(matches.count)
            for m in matches { c.integer(m) }
        } else if let first = matches.first {
            c.integer(first)
        } else {
            c.null()
        }
    }

    // MARK: - Edits

    /// LSET key index element.
    static func lset(_ c: CommandContext) throws(CommandError) {
        let key = c.args[1]
        guard let list = try writeList(c, key) else { throw .noSuchKey }
        let index = try c.int(2)
        let element = c.args[3]
        let limits = c.server.config.listLimits
        list.prepareForAdding(bytes: element.count, count: 1, limits: limits)
        guard let i = resolve(index, count: list.count) else { throw .outOfRange }
        list.replace(at: i, with: element)
        list.shrunk(limits: limits)
        c.db.modified(key)
        c.notify(.list, "lset", key)
        c.ok()
    }

    /// LINSERT key BEFORE|AFTER pivot element.
    static func linsert(_ c: CommandContext) throws(CommandError) {
        let after: Bool
        if argEquals(c.args[2], "after") { after = true }
        else if argEquals(c.args[2], "before") { after = false }
        else { throw .syntax }
        let key = c.args[1]
        guard let list = try writeList(c, key) else {
            c.integer(0)
            return
        }
        let limits = c.server.config.listLimits
        let element = c.args[4]
        list.prepareForAdding(bytes: element.count, count: 1, limits: limits)
        let pivot = c.args[3]
        var p: ListValue.Position? = list.count > 0 ? list.position(0) : nil
        while let cur = p {
            let e = list.element(at: cur)
            if e.count == pivot.count && memEqual(e, pivot) {
                list.insert(element, at: cur, after: after, limits: limits)
                c.db.modified(key)
                c.notify(.list, "linsert", key)
                c.integer(list.count)
                return
            }
            p = list.next(cur)
        }
        c.integer(-1)
    }

    /// LREM key count element.
    static func lrem(_ c: CommandContext) throws(CommandError) {
        let toRemove = try c.int(2)
        let key = c.args[1]
        guard let list = try writeList(c, key) else {
            c.integer(0)
            return
        }
        let n = list.remove(matching: c.args[3], limit: toRemove == Int.min ? Int.max : abs(toRemove),
                            fromTail: toRemove < 0)
        if n > 0 { removed(c, key, list, count: n, event: "lrem") }
        c.integer(n)
    }

    /// LTRIM key start stop.
    static func ltrim(_ c: CommandContext) throws(CommandError) {
        var start = try c.int(2)
        var stop = try c.int(3)
        let key = c.args[1]
        guard let list = try writeList(c, key) else {
            c.ok()
            return
        }
        let n = list.count
        if start < 0 { start = n + start }
        if stop < 0 { stop = n + stop }
        if start < 0 { start = 0 }
        let head: Int
        let tail: Int
        if start > stop || start >= n {
            head = n
            tail = 0
        } else {
            if stop >= n { stop = n - 1 }
            head = start
            tail = n - stop - 1
        }
        list.trim(head: head, tail: tail)
        removed(c, key, list, count: head + tail, event: "ltrim")
        c.ok()
    }
}
