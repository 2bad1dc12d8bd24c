// Type-agnostic key commands (Redis's db.c and expire.c): existence, deletion, renaming, copying and moving keys
// between databases, iteration (KEYS, SCAN, RANDOMKEY), expiry (EXPIRE family, TTL family, PERSIST) and OBJECT.
// SPDX-License-Identifier: BSD-3-Clause
import CinnabarStorage
#if canImport(Glibc)
import Glibc
#endif

enum KeyspaceCommands {
    /// The family's command specs; each server builds its own (they carry its command statistics).
    static func makeSpecs() -> [CommandSpec] {
        [
        CommandSpec("del", arity: -2, flags: [.write], keys: [.key(1, "RM DELETE", last: -1)], acl: ["@keyspace"], group: "generic",
                    summary: "Deletes one or more keys.", complexity: "O(N) where N is the number of keys that will be removed.",
                    handler: { c throws(CommandError) in try del(c, lazy: false) }),
        CommandSpec("unlink", arity: -2, flags: [.write, .fast], keys: [.key(1, "RM DELETE", last: -1)], acl: ["@keyspace"],
                    group: "generic", summary: "Asynchronously deletes one or more keys.", since: "4.0.0",
                    handler: { c throws(CommandError) in try del(c, lazy: true) }),
        CommandSpec("exists", arity: -2, flags: [.readonly, .fast], keys: [.key(1, "RO", last: -1)], acl: ["@keyspace"],
                    group: "generic", summary: "Determines whether one or more keys exist.", handler: exists),
        CommandSpec("type", arity: 2, flags: [.readonly, .fast], keys: [.key(1, "RO")], acl: ["@keyspace"], group: "generic",
                    summary: "Determines the type of value stored at a key.", handler: type),
        CommandSpec("rename", arity: 3, flags: [.write], keys: [.key(1, "RW ACCESS DELETE"), .key(2, "OW UPDATE")], acl: ["@keyspace"], group: "generic",
                    summary: "Renames a key and overwrites the destination.", handler: { c throws(CommandError) in try rename(c, nx: false) }),
        CommandSpec("renamenx", arity: 3, flags: [.write, .fast], keys: [.key(1, "RW ACCESS DELETE"), .key(2, "OW INSERT")], acl: ["@keyspace"],
                    group: "generic", summary: "Renames a key only when the target key name doesn't exist.",
                    handler: { c throws(CommandError) in try rename(c, nx: true) }),
        CommandSpec("keys", arity: 2, flags: [.readonly], acl: ["@keyspace", "@dangerous"], group: "generic",
                    summary: "Returns all key names that match a pattern.", complexity: "O(N)",
                    tips: ["request_policy:all_shards", "nondeterministic_output_order"], handler: keys),
        CommandSpec("scan", arity: -2, flags: [.readonly], acl: ["@keyspace"], group: "generic",
                    summary: "Iterates over the key names in the database.", since: "2.8.0",
                    tips: ["nondeterministic_output", "request_policy:special", "response_policy:special"], handler: scan),
        CommandSpec("randomkey", arity: 1, flags: [.readonly], acl: ["@keyspace"], group: "generic",
                    summary: "Returns a random key name from the database.",
                    tips: ["request_policy:all_shards", "response_policy:special", "nondeterministic_output"], handler: randomkey),
        CommandSpec("expire", arity: -3, flags: [.write, .fast], keys: [.key(1, "RW UPDATE")], acl: ["@keyspace"], group: "generic",
                    summary: "Sets the expiration time of a key in seconds.",
                    handler: { c throws(CommandError) in try expire(c, base: c.now, seconds: true) }),
        CommandSpec("pexpire", arity: -3, flags: [.write, .fast], keys: [.key(1, "RW UPDATE")], acl: ["@keyspace"], group: "generic",
                    summary: "Sets the expiration time of a key in milliseconds.", since: "2.6.0",
                    handler: { c throws(CommandError) in try expire(c, base: c.now, seconds: false) }),
        CommandSpec("expireat", arity: -3, flags: [.write, .fast], keys: [.key(1, "RW UPDATE")], acl: ["@keyspace"], group: "generic",
                    summary: "Sets the expiration time of a key to a Unix timestamp.", since: "1.2.0",
                    handler: { c throws(CommandError) in try expire(c, base: 0, seconds: true) }),
        CommandSpec("pexpireat", arity: -3, flags: [.write, .fast], keys: [.key(1, "RW UPDATE")], acl: ["@keyspace"], group: "generic",
                    summary: "Sets the expiration time of a key to a Unix milliseconds timestamp.", since: "2.6.0",
                    handler: { c throws(CommandError) in try expire(c, base: 0, seconds: false) }),
        CommandSpec("ttl", arity: 2, flags: [.readonly, .fast], keys: [.key(1, "RO ACCESS")], acl: ["@keyspace"], group: "generic",
                    summary: "Returns the expiration time in seconds of a key.",
                    handler: { c throws(CommandError) in ttl(c, milliseconds: false, absolute: false) }),
        CommandSpec("pttl", arity: 2, flags: [.readonly, .fast], keys: [.key(1, "RO ACCESS")], acl: ["@keyspace"], group: "generic",
                    summary: "Returns the expiration time in milliseconds of a key.", since: "2.6.0",
                    handler: { c throws(CommandError) in ttl(c, milliseconds: true, absolute: false) }),
        CommandSpec("expiretime", arity: 2, flags: [.readonly, .fast], keys: [.key(1, "RO ACCESS")], acl: ["@keyspace"],
                    group: "generic", summary: "Returns the expiration time of a key as a Unix timestamp.", since: "7.0.0",
                    handler: { c throws(CommandError) in ttl(c, milliseconds: false, absolute: true) }),
        CommandSpec("pexpiretime", arity: 2, flags: [.readonly, .fast], keys: [.key(1, "RO ACCESS")], acl: ["@keyspace"],
                    group: "generic", summary: "Returns the expiration time of a key as a Unix milliseconds timestamp.",
                    since: "7.0.0", handler: { c throws(CommandError) in ttl(c, milliseconds: true, absolute: true) }),
        CommandSpec("persist", arity: 2, flags: [.write, .fast], keys: [.key(1, "RW UPDATE")], acl: ["@keyspace"], group: "generic",
                    summary: "Removes the expiration time of a key.", since: "2.2.0", handler: persist),
        CommandSpec("touch", arity: -2, flags: [.readonly, .fast], keys: [.key(1, "RO", last: -1)], acl: ["@keyspace"],
                    group: "generic", summary: "Returns the number of existing keys out of those specified after updating the time they were last accessed.",
                    since: "3.2.1", handler: touch),
        CommandSpec("copy", arity: -3, flags: [.write, .denyOOM], keys: [.key(1, "RO ACCESS"), .key(2, "OW UPDATE")], acl: ["@keyspace"],
                    group: "generic", summary: "Copies the value of a key to a new key.", since: "6.2.0", handler: copy),
        CommandSpec("move", arity: 3, flags: [.write, .fast], keys: [.key(1, "RW ACCESS UPDATE")], acl: ["@keyspace"], group: "generic",
                    summary: "Moves a key to another database.", handler: move),
        CommandSpec(container: "object", group: "generic", summary: "A container for object introspection commands.",
                    since: "2.2.3", subcommands: [
            CommandSpec("encoding", arity: 3, flags: [.readonly], keys: [.key(2, "RO")], acl: ["@keyspace"], group: "generic",
                        summary: "Returns the internal encoding of a Redis object.", handler: objectEncoding),
            CommandSpec("freq", arity: 3, flags: [.readonly], keys: [.key(2, "RO")], acl: ["@keyspace"], group: "generic",
                        summary: "Returns the logarithmic access frequency counter of a Redis object.", since: "4.0.0",
                        handler: objectFreq),
            CommandSpec("idletime", arity: 3, flags: [.readonly], keys: [.key(2, "RO")], acl: ["@keyspace"], group: "generic",
                        summary: "Returns the time since the last access to a Redis object.", handler: objectIdletime),
            CommandSpec("refcount", arity: 3, flags: [.readonly], keys: [.key(2, "RO")], acl: ["@keyspace"], group: "generic",
                        summary: "Returns the reference count of a value of a key.", handler: objectRefcount),
            CommandSpec("help", arity: 2, flags: [.loading, .stale], acl: ["@keyspace"], group: "generic",
                        summary: "Returns helpful text about the different subcommands.", since: "6.2.0", handler: objectHelp),
        ]),
    ] + dumpSpecs()
    }

    // MARK: - Existence and deletion

    /// DEL and UNLINK (lazy: large values are freed on a background thread; DEL too under lazyfree-lazy-user-del).
    static func del(_ c: CommandContext, lazy: Bool) throws(CommandError) {
        var n = 0
        let db = c.db
        let background = lazy || c.server.config.lazyfreeUserDel
        for i in 1..<c.args.count {
            // An expired key is deleted by the lookup and does not count.
            guard db.find(c.args[i], options: [.noStats, .noTouch]) != nil,
                  c.server.deleteKey(db, c.args[i], lazy: background)
            else { continue }
            n += 1
            c.notify(.generic, "del", c.args[i])
        }
        c.integer(n)
    }

    static func exists(_ c: CommandContext) throws(CommandError) {
        var n = 0
        let db = c.db
        for i in 1..<c.args.count where db.find(c.args[i], options: [.noTouch]) != nil { n += 1 }
        c.integer(n)
    }

    static func type(_ c: CommandContext) throws(CommandError) {
        guard let v = c.db.get(c.args[1], options: [.noTouch]) else { return c.simple("none") }
        c.status(v.type.name)
    }

    static func touch(_ c: CommandContext) throws(CommandError) {
        var n = 0
        let db = c.db
        // TOUCH updates the access time even for a CLIENT NO-TOUCH client (Redis 7.2).
        for i in 1..<c.args.count where db.find(c.args[i]) != nil { n += 1 }
        c.integer(n)
    }

    // MARK: - Renaming, copying, moving

    static func rename(_ c: CommandContext, nx: Bool) throws(CommandError) {
        let db = c.db
        let src = c.args[1]
        let dst = c.args[2]
        guard db.find(src, options: [.noStats, .noTouch]) != nil else { throw .noSuchKey }
        if memEqual(src, dst) { return nx ? c.integer(0) : c.ok() }
        if nx && db.find(dst, options: [.noStats, .noTouch]) != nil { return c.integer(0) }
        let taken = db.take(src)!
        db.modified(src)
        db.set(dst, taken.value.value)
        if let e = taken.expire { db.setExpire(dst, at: e) }
        c.notify(.generic, "rename_from", src)
        c.notify(.generic, "rename_to", dst)
        nx ? c.integer(1) : c.ok()
    }

    static func copy(_ c: CommandContext) throws(CommandError) {
        var target = c.db
        var replace = false
        var i = 3
        while i < c.args.count {
            if argEquals(c.args[i], "REPLACE") {
                replace = true
            } else if argEquals(c.args[i], "DB") && i + 1 < c.args.count {
                let index = try c.int(i + 1)
                guard index >= 0 && index < c.keyspace.databases.count else { throw .invalidDB }
                target = c.keyspace.databases[index]
                i += 1
            } else {
                throw .syntax
            }
            i += 1
        }
        let src = c.args[1]
        let dst = c.args[2]
        if target === c.db && memEqual(src, dst) { throw .err("source and destination objects are the same") }
        guard let v = c.db.get(src, options: [.noStats]) else { return c.integer(0) }
        let expire = c.db.expireTime(src)
        if target.find(dst, options: [.noStats, .noTouch]) != nil {
            if !replace { return c.integer(0) }
            target.delete(dst)
        }
        target.set(dst, v.duplicate())
        if let expire { target.setExpire(dst, at: expire) }
        if !c.server.config.notifyFlags.isEmpty { c.server.notify(.generic, "copy_to", dst, db: target.id) }
        c.integer(1)
    }

    static func move(_ c: CommandContext) throws(CommandError) {
        let index = try c.int(2)
        guard index >= 0 && index < c.keyspace.databases.count else { throw .invalidDB }
        let target = c.keyspace.databases[index]
        if target === c.db { throw .err("source and destination objects are the same") }
        let key = c.args[1]
        guard c.db.find(key, options: [.noStats, .noTouch]) != nil else { return c.integer(0) }
        if target.find(key, options: [.noStats, .noTouch]) != nil { return c.integer(0) }
        let taken = c.db.take(key)!
        c.db.modified(key)
        target.set(key, taken.value.value)
        if let e = taken.expire { target.setExpire(key, at: e) }
        c.notify(.generic, "move_from", key)
        if !c.server.config.notifyFlags.isEmpty { c.server.notify(.generic, "move_to", key, db: target.id) }
        c.integer(1)
    }

    // MARK: - Iteration

    static func keys(_ c: CommandContext) throws(CommandError) {
        let db = c.db
        let pattern = c.args[1]
        let all = pattern.count == 1 && pattern[0] == UInt8(ascii: "*")
        var matches: [Bytes] = []
        for i in 0..<db.keys.count {
            let key = db.keys.entry(i).pointee.key
            let keep = key.withUnsafeBytes { k in
                (all || globMatch(pattern: pattern, string: k, noCase: false)) && !db.isExpired(k)
            }
            if keep { matches.append(key) }
        }
        c.array(matches.count)
        for k in matches { c.bulk(k) }
    }

    /// Parses a SCAN cursor like Redis's strtoul-based parseScanCursorOrReply.
    static func parseCursor(_ b: UnsafeRawBufferPointer) throws(CommandError) -> UInt64 {
        if b.isEmpty { return 0 }
        var i = 0
        var negative = false
        if b[0] == UInt8(ascii: "-") || b[0] == UInt8(ascii: "+") {
            negative = b[0] == UInt8(ascii: "-")
            i = 1
        }
        guard i < b.count else { throw .invalidCursor }
        var v: UInt64 = 0
        while i < b.count {
            let d = b[i] &- 48
            guard d <= 9 else { throw .invalidCursor }
            let (m, o1) = v.multipliedReportingOverflow(by: 10)
            let (s, o2) = m.addingReportingOverflow(UInt64(d))
            if o1 || o2 { throw .invalidCursor }
            v = s
            i += 1
        }
        return negative ? 0 &- v : v
    }

    /// SCAN cursor [MATCH pattern] [COUNT count] [TYPE type], shared with the collection SCANs later.
    static func scan(_ c: CommandContext) throws(CommandError) {
        var cursor = try parseCursor(c.args[1])
        var count = 10
        var pattern: UnsafeRawBufferPointer? = nil
        var typeFilter: UnsafeRawBufferPointer? = nil
        var i = 2
        while i < c.args.count {
            let remaining = c.args.count - i - 1
            if argEquals(c.args[i], "COUNT") && remaining >= 1 {
                count = try c.int(i + 1)
                if count < 1 { throw .syntax }
                i += 2
            } else if argEquals(c.args[i], "MATCH") && remaining >= 1 {
                let p = c.args[i + 1]
                pattern = (p.count == 1 && p[0] == UInt8(ascii: "*")) ? nil : p
                i += 2
            } else if argEquals(c.args[i], "TYPE") && remaining >= 1 {
                typeFilter = c.args[i + 1]
                i += 2
            } else {
                throw .syntax
            }
        }
        let db = c.db
        var found: [Bytes] = []
        // Redis visits at most 10 buckets per requested element; saturate so a huge COUNT cannot overflow.
        var budget = count.multipliedReportingOverflow(by: 10).overflow ? Int.max : count * 10
        repeat {
            cursor = db.keys.scan(cursor: cursor) { index in found.append(db.keys.entry(index).pointee.key) }
            budget -= 1
        } while cursor != 0 && budget > 0 && found.count < count
        var results: [Bytes] = []
        results.reserveCapacity(found.count)
        for key in found {
            let keep: Bool = key.withUnsafeBytes { k in
                if let pattern, !globMatch(pattern: pattern, string: k, noCase: false) { return false }
                // Lazily expire what the scan touched, as Redis does.
                guard let v = db.get(k, options: [.noStats, .noTouch]) else { return false }
                if let typeFilter { return equalsIgnoringCase(typeFilter, v.type.name) }
                return true
            }
            if keep { results.append(key) }
        }
        c.array(2)
        c.bulk(String(cursor))
        c.array(results.count)
        for k in results { c.bulk(k) }
    }

    static func randomkey(_ c: CommandContext) throws(CommandError) {
        let db = c.db
        for _ in 0..<100 {
            guard let i = db.keys.randomIndex(&c.keyspace.random) else { return c.null() }
            let key = db.keys.entry(i).pointee.key
            let alive = key.withUnsafeBytes { db.find($0, options: [.noStats, .noTouch]) != nil }
            if alive { return c.bulk(key) }
        }
        c.null()
    }

    // MARK: - Expiry

    /// EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT with NX | XX | GT | LT.
    static func expire(_ c: CommandContext, base: Int64, seconds: Bool) throws(CommandError) {
        var nx = false, xx = false, gt = false, lt = false
        for i in 3..<max(3, c.args.count) {
            let o = c.args[i]
            if argEquals(o, "NX") { nx = true }
            else if argEquals(o, "XX") { xx = true }
            else if argEquals(o, "GT") { gt = true }
            else if argEquals(o, "LT") { lt = true }
            else { throw .err("Unsupported option \(c.args.string(i))") }
        }
        if nx && (xx || gt || lt) { throw .err("NX and XX, GT or LT options at the same time are not compatible") }
        if gt && lt { throw .err("GT and LT options at the same time are not compatible") }
        guard var when = parseInt64(c.args[2]) else { throw .notInteger }
        if seconds {
            if when > Int64.max / 1000 || when < Int64.min / 1000 { throw .invalidExpire(c.spec.fullName) }
            when *= 1000
        }
        if when > Int64.max - base { throw .invalidExpire(c.spec.fullName) }
        when += base
        let db = c.db
        let key = c.args[1]
        guard db.find(key, options: [.noStats, .noTouch]) != nil else { return c.integer(0) }
        let current = db.expireTime(key)
        if nx && current != nil { return c.integer(0) }
        if xx && current == nil { return c.integer(0) }
        if gt && (current == nil || when <= current!) { return c.integer(0) }
        if lt, let current, when >= current { return c.integer(0) }
        if when <= c.now {
            c.server.deleteKey(db, key, lazy: c.server.config.lazyfreeExpire)
            c.notify(.generic, "del", key)
            c.propagateAs([c.deletion(lazy: "lazyfree-lazy-expire"), .original(1)])
        } else {
            db.setExpire(key, at: when)
            db.modified(key)
            c.notify(.generic, "expire", key)
            // Propagated as PEXPIREAT with the absolute deadline (options kept), unless it already is one.
            if base != 0 || seconds {
                c.propagateAs(["PEXPIREAT", .original(1), .integer(when)]
                              + (3..<max(3, c.args.count)).map { .original($0) })
            }
        }
        c.integer(1)
    }

    static func ttl(_ c: CommandContext, milliseconds: Bool, absolute: Bool) {
        let db = c.db
        guard db.find(c.args[1], options: [.noTouch]) != nil else { return c.integer(-2) }
        guard let when = db.expireTime(c.args[1]) else { return c.integer(-1) }
        let ttl = max(0, absolute ? when : when - c.now)
        c.integer(Int(milliseconds ? ttl : (ttl + 500) / 1000))
    }

    static func persist(_ c: CommandContext) throws(CommandError) {
        let db = c.db
        guard db.find(c.args[1], options: [.noStats]) != nil else { return c.integer(0) }
        if db.removeExpire(c.args[1]) {
            db.modified(c.args[1])
            c.notify(.generic, "persist", c.args[1])
            c.integer(1)
        } else {
            c.integer(0)
        }
    }

    // MARK: - OBJECT

    static func objectEncoding(_ c: CommandContext) throws(CommandError) {
        guard let v = c.db.get(c.args[2], options: [.noTouch, .noStats]) else { return c.null() }
        c.bulk(v.encodingName)
    }

    static func objectFreq(_ c: CommandContext) throws(CommandError) {
        guard let i = c.db.find(c.args[2], options: [.noTouch, .noStats]) else { return c.null() }
        guard c.keyspace.usesLFU else {
            throw .err("An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.")
        }
        c.integer(Int(c.keyspace.lfuDecayedCounter(c.db.keys.entry(i).pointee.lru)))
    }

    static func objectIdletime(_ c: CommandContext) throws(CommandError) {
        guard let i = c.db.find(c.args[2], options: [.noTouch, .noStats]) else { return c.null() }
        if c.keyspace.usesLFU {
            throw .err("An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.")
        }
        let lru = c.db.keys.entry(i).pointee.lru
        c.integer(Int(c.keyspace.idleMilliseconds(lru: lru) / 1000))
    }

    static func objectRefcount(_ c: CommandContext) throws(CommandError) {
        guard let v = c.db.get(c.args[2], options: [.noTouch, .noStats]) else { return c.null() }
        // Redis shares the integers 0...9999 (OBJ_SHARED_REFCOUNT) unless an LRU/LFU policy needs per-key data.
        let policy = c.server.config.get("maxmemory-policy") ?? ""
        if let n = v.integer, n >= 0 && n < 10000, !policy.contains("lru") && !policy.contains("lfu") {
            return c.integer(Int(Int32.max))
        }
        c.integer(1)
    }

    static func objectHelp(_ c: CommandContext) throws(CommandError) {
        c.help("OBJECT", [
            "ENCODING <key>",
            "    Return the kind of internal representation used in order to store the value",
            "    associated with a <key>.",
            "FREQ <key>",
            "    Return the access frequency index of the <key>. The returned integer is",
            "    proportional to the logarithm of the recent access frequency of the key.",
            "IDLETIME <key>",
            "    Return the idle time of the <key>, that is the approximated number of",
            "    seconds elapsed since the last access to the key.",
            "REFCOUNT <key>",
            "    Return the number of references of the value associated with the specified",
            "    <key>.",
        ])
    }
}

func equalsIgnoringCase(_ a: UnsafeRawBufferPointer, _ b: String) -> Bool {
    let bb = Array(b.utf8)
    guard a.count == bb.count else { return false }
    for i in 0..<bb.count {
        var x = a[i]
        var y = bb[i]
        if x >= 65 && x <= 90 { x |= 0x20 }
        if y >= 65 && y <= 90 { y |= 0x20 }
        if x != y { return false }
    }
    return true
}

extension CommandContext {
    /// The HELP reply of container commands: a header line, the lines, and the standard HELP line.
    func help(_ command: String, _ lines: [String]) {
        let all = ["\(command) <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"] + lines
            + ["HELP", "    Print this help."]
        array(all.count)
        for l in all { status(l) }
    }
}
