// Set commands (Redis's t_set.c): membership, random members, and the set algebra (SINTER/SUNION/SDIFF and their
// STORE and CARD forms) over SetValue, whose intset / listpack / hashtable encodings follow set-max-intset-entries
// and set-max-listpack-* from the configuration. The algorithms mirror Redis's case by case (SPOP's three
// strategies, SRANDMEMBER's four, the two SDIFF algorithms, building results through an intset), so small replies
// come out in the same order as Redis's. A key never holds an empty set.
// SPDX-License-Identifier: BSD-3-Clause
import CinnabarRESP
import CinnabarStorage

enum SetCommands {
    /// The family's command specs; each server builds its own (they carry its command statistics).
    static func makeSpecs() -> [CommandSpec] {
        [
        CommandSpec("sadd", arity: -3, flags: [.write, .denyOOM, .fast], keys: [.key(1, "RW INSERT")], acl: ["@set"],
                    group: "set", summary: "Adds one or more members to a set.", handler: sadd),
        CommandSpec("srem", arity: -3, flags: [.write, .fast], keys: [.key(1, "RW DELETE")], acl: ["@set"],
                    group: "set", summary: "Removes one or more members from a set.", handler: srem),
        CommandSpec("smembers", arity: 2, flags: [.readonly], keys: [.key(1, "RO ACCESS")], acl: ["@set"],
                    group: "set", summary: "Returns all members of a set.", tips: ["nondeterministic_output_order"],
                    handler: { c throws(CommandError) in try sinterGeneric(c, keys: 1..<2, store: nil) }),
        CommandSpec("sismember", arity: 3, flags: [.readonly, .fast], keys: [.key(1, "RO")], acl: ["@set"],
                    group: "set", summary: "Determines whether a member belongs to a set.", handler: sismember),
        CommandSpec("smismember", arity: -3, flags: [.readonly, .fast], keys: [.key(1, "RO ACCESS")], acl: ["@set"],
                    group: "set", summary: "Determines whether multiple members belong to a set.", handler: smismember),
        CommandSpec("scard", arity: 2, flags: [.readonly, .fast], keys: [.key(1, "RO")], acl: ["@set"],
                    group: "set", summary: "Returns the number of members in a set.", handler: scard),
        CommandSpec("spop", arity: -2, flags: [.write, .fast], keys: [.key(1, "RW ACCESS DELETE")], acl: ["@set"],
                    group: "set", summary: "Returns one or more random members from a set after removing them.",
                    tips: ["nondeterministic_output"], handler: spop),
        CommandSpec("srandmember", arity: -2, flags: [.readonly], keys: [.key(1, "RO ACCESS")], acl: ["@set"],
                    group: "set", summary: "Get one or multiple random members from a set",
                    tips: ["nondeterministic_output"], handler: srandmember),
        CommandSpec("smove", arity: 4, flags: [.write, .fast],
                    keys: [.key(1, "RW ACCESS DELETE"), .key(2, "RW INSERT")], acl: ["@set"], group: "set",
                    summary: "Moves a member from one set to another.", handler: smove),
        CommandSpec("sinter", arity: -2, flags: [.readonly], keys: [.key(1, "RO ACCESS", last: -1)], acl: ["@set"],
                    group: "set", summary: "Returns the intersect of multiple sets.",
                    tips: ["nondeterministic_output_order"],
                    handler: { c throws(CommandError) in try sinterGeneric(c, keys: 1..<c.args.count, store: nil) }),
        CommandSpec("sintercard", arity: -3, flags: [.readonly, .movableKeys],
                    keys: [KeySpec(flags: ["RO", "ACCESS"], begin: .index(1),
                                   find: .keynum(keyNumIndex: 0, firstKey: 1, step: 1))],
                    acl: ["@set"], group: "set",
                    summary: "Returns the number of members of the intersect of multiple sets.", handler: sintercard),
        CommandSpec("sinterstore", arity: -3, flags: [.write, .denyOOM],
                    keys: [.key(1, "RW UPDATE"), .key(2, "RO ACCESS", last: -1)], acl: ["@set"], group: "set",
                    summary: "Stores the intersect of multiple sets in a key.",
                    handler: { c throws(CommandError) in
                        try sinterGeneric(c, keys: 2..<c.args.count, store: c.args[1])
                    }),
        CommandSpec("sunion", arity: -2, flags: [.readonly], keys: [.key(1, "RO ACCESS", last: -1)], acl: ["@set"],
                    group: "set", summary: "Returns the union of multiple sets.",
                    tips: ["nondeterministic_output_order"],
                    handler: { c throws(CommandError) in
                        try sunionDiffGeneric(c, keys: 1..<c.args.count, store: nil, diff: false)
                    }),
        CommandSpec("sunionstore", arity: -3, flags: [.write, .denyOOM],
                    keys: [.key(1, "OW UPDATE"), .key(2, "RO ACCESS", last: -1)], acl: ["@set"], group: "set",
                    summary: "Stores the union of multiple sets in a key.",
                    handler: { c throws(CommandError) in
                        try sunionDiffGeneric(c, keys: 2..<c.args.count, store: c.args[1], diff: false)
                    }),
        CommandSpec("sdiff", arity: -2, flags: [.readonly], keys: [.key(1, "RO ACCESS", last: -1)], acl: ["@set"],
                    group: "set", summary: "Returns the difference of multiple sets.",
                    tips: ["nondeterministic_output_order"],
                    handler: { c throws(CommandError) in
                        try sunionDiffGeneric(c, keys: 1..<c.args.count, store: nil, diff: true)
                    }),
        CommandSpec("sdiffstore", arity: -3, flags: [.write, .denyOOM],
                    keys: [.key(1, "OW UPDATE"), .key(2, "RO ACCESS", last: -1)], acl: ["@set"], group: "set",
                    summary: "Stores the difference of multiple sets in a key.",
                    handler: { c throws(CommandError) in
                        try sunionDiffGeneric(c, keys: 2..<c.args.count, store: c.args[1], diff: true)
                    }),
        CommandSpec("sscan", arity: -3, flags: [.readonly], keys: [.key(1, "RO ACCESS")], acl: ["@set"],
                    group: "set", summary: "Iterates over members of a set.", tips: ["nondeterministic_output"],
                    handler: sscan),
        ]
    }

    // MARK: - Lookup

    /// The set at `key` for a read: nil when missing, WRONGTYPE for another type.
    static func readSet(_ c: CommandContext, _ key: UnsafeRawBufferPointer) throws(CommandError) -> SetValue? {
        guard let v = c.db.get(key, options: c.readOptions) else { return nil }
        guard v.type == .set else { throw .wrongType }
        return unsafeDowncast(v.collection, to: SetValue.self)
    }

    /// The set at `key` for a write (no hit/miss statistics): nil when missing, WRONGTYPE for another type.
    static func writeSet(_ c: CommandContext, _ key: UnsafeRawBufferPointer) throws(CommandError) -> SetValue? {
        guard let i = c.db.find(key, options: [.noStats]) else { return nil }
        let v = c.db.keys.entry(i).pointee.value
        guard v.type == .set else { throw .wrongType }
        return unsafeDowncast(v.collection, to: SetValue.self)
    }

    /// Records a write of `changes` changes to `key` (one modification signal; Redis's dirty counter counts all).
    static func modified(_ c: CommandContext, _ key: UnsafeRawBufferPointer, changes: Int) {
        c.db.modified(key)
        c.keyspace.dirty &+= changes - 1
    }

    // MARK: - SADD, SREM, membership

    static func sadd(_ c: CommandContext) throws(CommandError) {
        let key = c.args[1]
        let limits = c.server.config.setLimits
        let hint = c.args.count - 2
        let existing = try writeSet(c, key)
        let set = existing ?? SetValue.forMembers(first: c.args[2], sizeHint: hint, limits: limits)
        existing?.prepareForAdding(sizeHint: hint, limits: limits)
        var added = 0
        for i in 2..<c.args.count where set.add(c.args[i], limits: limits) { added += 1 }
        if existing == nil {
            _ = c.db.add(key, Value(object: set, type: .set))
            c.keyspace.dirty &+= added - 1
        } else if added > 0 {
            modified(c, key, changes: added)
        }
        if added > 0 { c.notify(.set, "sadd", key) }
        c.integer(added)
    }

    static func srem(_ c: CommandContext) throws(CommandError) {
        let key = c.args[1]
        guard let set = try writeSet(c, key) else { return c.integer(0) }
        var deleted = 0
        for i in 2..<c.args.count where set.remove(c.args[i]) {
            deleted += 1
            if set.count == 0 { break }
        }
        if deleted > 0 {
            c.notify(.set, "srem", key)
            if set.count == 0 {
                c.db.delete(key)
                c.notify(.generic, "del", key)
                c.keyspace.dirty &+= deleted - 1
            } else {
                modified(c, key, changes: deleted)
            }
        }
        c.integer(deleted)
    }

    static func sismember(_ c: CommandContext) throws(CommandError) {
        guard let set = try readSet(c, c.args[1]) else { return c.integer(0) }
        c.integer(set.contains(c.args[2]) ? 1 : 0)
    }

    static func smismember(_ c: CommandContext) throws(CommandError) {
        let set = try readSet(c, c.args[1])
        c.array(c.args.count - 2)
        for i in 2..<c.args.count { c.integer(set?.contains(c.args[i]) == true ? 1 : 0) }
    }

    static func scard(_ c: CommandContext) throws(CommandError) {
        guard let set = try readSet(c, c.args[1]) else { return c.integer(0) }
        c.integer(set.count)
    }

    static func smove(_ c: CommandContext) throws(CommandError) {
        let db = c.db
        let src = c.args[1]
        let dst = c.args[2]
        let member = c.args[3]
        let srcValue = db.find(src, options: [.noStats]).map { db.keys.entry($0).pointee.value }
        let dstValue = db.find(dst, options: [.noStats]).map { db.keys.entry($0).pointee.value }
        // A missing source answers 0 before any type check, as in Redis.
        guard let srcValue else { return c.integer(0) }
        guard srcValue.type == .set else { throw .wrongType }
        if let dstValue, dstValue.type != .set { throw .wrongType }
        let srcSet = unsafeDowncast(srcValue.collection, to: SetValue.self)
        if memEqual(src, dst) { return c.integer(srcSet.contains(member) ? 1 : 0) }
        guard srcSet.remove(member) else { return c.integer(0) }
        c.notify(.set, "srem", src)
        if srcSet.count == 0 {
            db.delete(src)
            c.notify(.generic, "del", src)
        } else {
            db.modified(src)
        }
        let limits = c.server.config.setLimits
        if let dstValue {
            if unsafeDowncast(dstValue.collection, to: SetValue.self).add(member, limits: limits) {
                db.modified(dst)
                c.notify(.set, "sadd", dst)
            }
        } else {
            let set = SetValue.forMembers(first: member, sizeHint: 1, limits: limits)
            set.add(member, limits: limits)
            _ = db.add(dst, Value(object: set, type: .set))
            c.notify(.set, "sadd", dst)
        }
        c.integer(1)
    }

    // MARK: - SPOP and SRANDMEMBER

    static func spop(_ c: CommandContext) throws(CommandError) {
        if c.args.count == 3 { return try spopWithCount(c) }
        if c.args.count > 3 { throw .syntax }
        let key = c.args[1]
        guard let set = try writeSet(c, key) else { return c.null() }
        let i = c.keyspace.random.below(set.count)
        let index = set.ordinals()
        set.withMember(i, index) { m in
            c.bulk(member: m)
            // Propagated as SREM of the popped member.
            c.propagateAs(["SREM", .original(1), m.propagated])
        }
        set.removeMember(at: i, index)
        c.notify(.set, "spop", key)
        if set.count == 0 {
            c.db.delete(key)
            c.notify(.generic, "del", key)
        } else {
            c.db.modified(key)
        }
    }

    /// SPOP key count: the whole set when count covers it (replied as SUNION would build it, then the key is
    /// deleted); otherwise random members removed one by one while few are taken, or, when most are taken, the
    /// few that stay are moved to a new set and the rest replied (Redis's SPOP_MOVE_STRATEGY_MUL of 5).
    static func spopWithCount(_ c: CommandContext) throws(CommandError) {
        guard let n = parseInt64(c.args[2]), n >= 0 else { throw .mustBePositive }
        let key = c.args[1]
        guard let set = try writeSet(c, key) else { return c.set(0) }
        let count = Int(n)
        if count == 0 { return c.set(0) }
        let limits = c.server.config.setLimits
        let size = set.count
        if count >= size {
            let union = SetValue(encoding: .intset)
            set.forEach { union.add($0, limits: limits) }
            c.set(union.count)
            union.forEach { c.bulk(member: $0) }
            c.db.delete(key)
            c.notify(.set, "spop", key)
            c.notify(.generic, "del", key)
            c.keyspace.dirty &+= size - 1
            c.propagateAs([c.deletion(lazy: "lazyfree-lazy-server-del"), .original(1)])
            return
        }
        c.set(count)
        // Propagated as SREMs of the popped members, 1024 per command (Redis's SPOP batch).
        let propagating = c.server.propagation.enabled
        var popped: [PropagatedArgument] = []
        func record(_ m: SetMember) {
            guard propagating else { return }
            popped.append(m.propagated)
            if popped.count == 1024 {
                c.alsoPropagate(["SREM", .original(1)] + popped)
                popped.removeAll(keepingCapacity: true)
            }
        }
        var rng = c.keyspace.random
        defer { c.keyspace.random = rng }
        let remaining = size - count
        if remaining * 5 > count {
            if set.encoding == .listpack {
                // One pass over the listpack: the picked members in order, then removed back to front.
                let index = set.ordinals()
                let picked = RandomSampling.distinctOrdinals(count: count, of: size, inOrder: true, &rng)
                for i in picked {
                    set.withMember(i, index) {
                        c.bulk(member: $0)
                        record($0)
                    }
                }
                for i in picked.reversed() { set.removeMember(at: i, index) }
            } else {
                for _ in 0..<count {
                    let i = rng.below(set.count)
                    let index = set.ordinals()
                    set.withMember(i, index) {
                        c.bulk(member: $0)
                        record($0)
                    }
                    set.removeMember(at: i, index)
                }
            }
        } else {
            let kept: SetValue
            if set.encoding == .listpack {
                kept = SetValue(encoding: .listpack)
                let index = set.ordinals()
                let picked = RandomSampling.distinctOrdinals(count: remaining, of: size, inOrder: true, &rng)
                for i in picked { set.withMember(i, index) { _ = kept.add($0, limits: limits) } }
                for i in picked.reversed() { set.removeMember(at: i, index) }
            } else {
                // An intset's survivors start an intset, a hashtable's a listpack (both convert as they grow).
                kept = SetValue(encoding: set.encoding == .intset ? .intset : .listpack)
                for _ in 0..<remaining {
                    let i = rng.below(set.count)
                    let index = set.ordinals()
                    set.withMember(i, index) { _ = kept.add($0, limits: limits) }
                    set.removeMember(at: i, index)
                }
            }
            set.forEach {
                c.bulk(member: $0)
                record($0)
            }
            if let i = c.db.find(key, options: [.noStats, .noTouch]) {
                // dbReplaceValue: the old set is released like a server-side delete.
                let old = c.db.keys.entry(i).pointee.exchangeValue(Value(object: kept, type: .set))
                c.server.releaseTemporary(consume old)
            }
        }
        modified(c, key, changes: count)
        c.notify(.set, "spop", key)
        if propagating {
            if !popped.isEmpty { c.alsoPropagate(["SREM", .original(1)] + popped) }
            c.preventPropagation()
        }
    }

    static func srandmember(_ c: CommandContext) throws(CommandError) {
        if c.args.count == 3 { return try srandmemberWithCount(c) }
        if c.args.count > 3 { throw .syntax }
        guard let set = try readSet(c, c.args[1]) else { return c.null() }
        let i = c.keyspace.random.below(set.count)
        set.withMember(i, set.ordinals()) { c.bulk(member: $0) }
    }

    /// SRANDMEMBER key count: a negative count may repeat members; a positive one returns distinct members (the
    /// whole set when it asks for as many), picked as HRANDFIELD picks fields.
    static func srandmemberWithCount(_ c: CommandContext) throws(CommandError) {
        let requested = try RandomSampling.count(c.args[2])
        guard let set = try readSet(c, c.args[1]) else { return c.array(0) }
        let unique = requested >= 0
        let count = abs(requested)
        if count == 0 { return c.array(0) }
        let size = set.count
        var rng = c.keyspace.random
        defer { c.keyspace.random = rng }
        let index = set.ordinals()
        if !unique || count == 1 {
            c.array(count)
            for _ in 0..<count { set.withMember(rng.below(size), index) { c.bulk(member: $0) } }
            return
        }
        if count >= size {
            c.array(size)
            set.forEach { c.bulk(member: $0) }
            return
        }
        c.array(count)
        for i in RandomSampling.distinctOrdinals(count: count, of: size, inOrder: set.encoding == .listpack, &rng) {
            set.withMember(i, index) { c.bulk(member: $0) }
        }
    }

    // MARK: - Intersection

    static func sintercard(_ c: CommandContext) throws(CommandError) {
        guard let numkeys = parseInt64(c.args[1]), numkeys >= 1 else {
            throw .err("numkeys should be greater than 0")
        }
        if numkeys > c.args.count - 2 { throw .err("Number of keys can't be greater than number of args") }
        let first = 2
        let end = first + Int(numkeys)
        var limit = 0
        var i = end
        while i < c.args.count {
            if argEquals(c.args[i], "LIMIT") && i + 1 < c.args.count {
                guard let l = parseInt64(c.args[i + 1]), l >= 0 else { throw .err("LIMIT can't be negative") }
                limit = Int(l)
                i += 2
            } else {
                throw .syntax
            }
        }
        try sinterGeneric(c, keys: first..<end, store: nil, cardinalityOnly: true, limit: limit)
    }

    /// SINTER, SMEMBERS, SINTERSTORE and SINTERCARD (sinterGenericCommand): the members of the smallest set that
    /// all the others contain. A missing key is an empty set, so the result is empty at once. `limit` (SINTERCARD,
    /// 0 = none) stops counting early.
    static func sinterGeneric(
        _ c: CommandContext, keys: Range<Int>, store: UnsafeRawBufferPointer?, cardinalityOnly: Bool = false,
        limit: Int = 0
    ) throws(CommandError) {
        if keys.count == 1 && store == nil && !cardinalityOnly {
            // SMEMBERS (and SINTER of one key): the set itself.
            guard let set = try readSet(c, c.args[keys.lowerBound]) else { return c.set(0) }
            c.set(set.count)
            set.forEach { c.bulk(member: $0) }
            return
        }
        var sets: [SetValue] = []
        sets.reserveCapacity(keys.count)
        var anyMissing = false
        for k in keys {
            if let set = try readSet(c, c.args[k]) { sets.append(set) } else { anyMissing = true }
        }
        if anyMissing {
            if let store {
                if c.db.delete(store) { c.notify(.generic, "del", store) }
                c.integer(0)
            } else if cardinalityOnly {
                c.integer(0)
            } else {
                c.set(0)
            }
            return
        }
        // Smallest first (a stable order for ties, as glibc's qsort gives).
        if sets.count > 1 {
            sets = sets.enumerated().sorted { ($0.element.count, $0.offset) < ($1.element.count, $1.offset) }
                .map(\.element)
        }
        let first = sets[0]
        let index = first.ordinals()
        func inAll(_ m: SetMember) -> Bool {
            for j in 1..<sets.count where sets[j] !== first && !sets[j].contains(m) { return false }
            return true
        }
        if cardinalityOnly {
            var cardinality = 0
            for i in 0..<first.count where first.withMember(i, index, inAll) {
                cardinality += 1
                if limit > 0 && cardinality >= limit { break }
            }
            return c.integer(cardinality)
        }
        guard let store else {
            var matches: [Int] = []
            for i in 0..<first.count where first.withMember(i, index, inAll) { matches.append(i) }
            c.set(matches.count)
            for i in matches { first.withMember(i, index) { c.bulk(member: $0) } }
            return
        }
        // SINTERSTORE builds the result in the first set's compact encoding (a listpack for a hashtable) and
        // stores an all-integer result as an intset when it fits.
        let limits = c.server.config.setLimits
        let result = SetValue(encoding: first.encoding == .intset ? .intset : .listpack)
        var onlyIntegers = true
        for i in 0..<first.count {
            first.withMember(i, index) { m in
                guard inAll(m) else { return }
                if onlyIntegers, let v = m.integerValue {
                    result.add(.integer(v), limits: limits)
                } else {
                    onlyIntegers = false
                    result.add(m, limits: limits)
                }
            }
        }
        storeResult(c, result, at: store, onlyIntegers: onlyIntegers)
    }

    /// Stores a SINTERSTORE/SUNIONSTORE/SDIFFSTORE result, or deletes the destination when it is empty; replies
    /// with the result's size.
    static func storeResult(
        _ c: CommandContext, _ result: SetValue, at key: UnsafeRawBufferPointer, onlyIntegers: Bool
    ) {
        let n = result.count
        if n > 0 {
            if onlyIntegers { result.convertToIntsetIfSmall(limits: c.server.config.setLimits) }
            c.db.set(key, Value(object: result, type: .set))
            c.notify(.set, c.spec.name, key)
        } else if c.db.delete(key) {
            c.notify(.generic, "del", key)
        }
        c.integer(n)
    }

    // MARK: - Union and difference

    /// SUNION, SDIFF and their STORE forms (sunionDiffGenericCommand). The result is built in a set that starts as
    /// an intset and converts as members arrive, which fixes the order of the reply. SDIFF picks Redis's cheaper
    /// algorithm: testing the first set's members against the others, or adding the first and removing the rest.
    static func sunionDiffGeneric(
        _ c: CommandContext, keys: Range<Int>, store: UnsafeRawBufferPointer?, diff: Bool
    ) throws(CommandError) {
        var sets: [SetValue?] = []
        sets.reserveCapacity(keys.count)
        var sameSet = false
        for k in keys {
            let set = try readSet(c, c.args[k])
            if let set, sets.count > 0, sets[0] === set { sameSet = true }
            sets.append(set)
        }
        let limits = c.server.config.setLimits
        let result = SetValue(encoding: .intset)
        if !diff {
            for set in sets {
                set?.forEach { result.add($0, limits: limits) }
            }
        } else if let first = sets[0], !sameSet {
            var algorithmOne = 0
            var algorithmTwo = 0
            for set in sets {
                guard let set else { continue }
                algorithmOne += first.count
                algorithmTwo += set.count
            }
            // Algorithm 1 has better constants when members are shared: give it an advantage.
            algorithmOne /= 2
            if algorithmOne <= algorithmTwo {
                if sets.count > 1 {
                    let rest = sets[1...].enumerated().sorted {
                        ($0.element?.count ?? 0, -$0.offset) > ($1.element?.count ?? 0, -$1.offset)
                    }.map(\.element)
                    sets = [first] + rest
                }
                first.forEach { m in
                    for j in 1..<sets.count {
                        guard let other = sets[j] else { continue }
                        if other === first || other.contains(m) { return }
                    }
                    result.add(m, limits: limits)
                }
            } else {
                first.forEach { result.add($0, limits: limits) }
                for j in 1..<sets.count {
                    guard let other = sets[j] else { continue }
                    other.forEach { result.remove($0) }
                    if result.count == 0 { break }
                }
            }
        }
        if let store { return storeResult(c, result, at: store, onlyIntegers: false) }
        c.set(result.count)
        result.forEach { c.bulk(member: $0) }
        c.server.releaseTemporary(Value(object: consume result, type: .set))
    }

    // MARK: - SSCAN

    /// SSCAN key cursor [MATCH pattern] [COUNT count]: the cursor is checked first, then the key, then the options.
    static func sscan(_ c: CommandContext) throws(CommandError) {
        let cursor = try KeyspaceCommands.parseCursor(c.args[2])
        guard let set = try readSet(c, c.args[1]) else { return ScanOptions.replyEmpty(c) }
        let options = try ScanOptions.parse(c, from: 3, allowNoValues: false)
        var items: [Bytes] = []
        let next = set.scan(cursor: cursor, count: options.count) { m in
            m.withBytes { b in
                if let p = options.pattern, !globMatch(pattern: p, string: b) { return }
                items.append(Bytes(b))
            }
        }
        c.array(2)
        c.bulk(String(next))
        c.array(items.count)
        for m in items { c.bulk(m) }
    }
}

extension CommandContext {
    /// Replies a set member as a bulk string (an intset's integer is formatted straight into the buffer).
    @inline(__always)
    func bulk(member m: SetMember) {
        switch m {
        case let .integer(v): client.out.writeRESPBulkDecimal(Int(v))
        case let .bytes(b): client.out.writeRESPBulk(b)
        }
    }
}

extension SetMember {
    /// The member as a propagated command argument.
    var propagated: PropagatedArgument {
        switch self {
        case let .integer(v): return .integer(Int64(v))
        case let .bytes(b): return .bytes(Array(b))
        }
    }
}
