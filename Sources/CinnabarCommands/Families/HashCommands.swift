// Hash commands (Redis's t_hash.c): fields and values of a HashValue, which keeps small hashes packed ("listpack")
// and converts to a hashtable past hash-max-listpack-entries / -value, passed in from the configuration. A key never
// holds an empty hash: the write that removes the last field deletes the key. Fields can expire (Redis 7.4's HEXPIRE
// family, HashCommands+FieldExpiry.swift): every lookup below first deletes the hash's due fields, so no command
// sees an expired field, and a hash whose last field expired is deleted.
// SPDX-License-Identifier: BSD-3-Clause
import CinnabarRESP
import CinnabarStorage

enum HashCommands {
    /// The family's command specs; each server builds its own (they carry its command statistics).
    static func makeSpecs() -> [CommandSpec] {
        [
        CommandSpec("hset", arity: -4, flags: [.write, .denyOOM, .fast], keys: [.key(1, "RW UPDATE")], acl: ["@hash"],
                    group: "hash", summary: "Creates or modifies the value of a field in a hash.",
                    handler: { c throws(CommandError) in try hset(c, okReply: false) }),
        CommandSpec("hmset", arity: -4, flags: [.write, .denyOOM, .fast], keys: [.key(1, "RW UPDATE")], acl: ["@hash"],
                    group: "hash", summary: "Sets the values of multiple fields.",
                    handler: { c throws(CommandError) in try hset(c, okReply: true) }),
        CommandSpec("hsetnx", arity: 4, flags: [.write, .denyOOM, .fast], keys: [.key(1, "RW INSERT")], acl: ["@hash"],
                    group: "hash", summary: "Sets the value of a field in a hash only when the field doesn't exist.",
                    handler: hsetnx),
        CommandSpec("hget", arity: 3, flags: [.readonly, .fast], keys: [.key(1, "RO ACCESS")], acl: ["@hash"],
                    group: "hash", summary: "Returns the value of a field in a hash.", handler: hget),
        CommandSpec("hmget", arity: -3, flags: [.readonly, .fast], keys: [.key(1, "RO ACCESS")], acl: ["@hash"],
                    group: "hash", summary: "Returns the values of all fields in a hash.", handler: hmget),
        CommandSpec("hgetall", arity: 2, flags: [.readonly], keys: [.key(1, "RO ACCESS")], acl: ["@hash"],
                    group: "hash", summary: "Returns all fields and values in a hash.",
                    tips: ["nondeterministic_output_order"],
                    handler: { c throws(CommandError) in try hgetall(c, fields: true, values: true) }),
        CommandSpec("hkeys", arity: 2, flags: [.readonly], keys: [.key(1, "RO ACCESS")], acl: ["@hash"],
                    group: "hash", summary: "Returns all fields in a hash.", tips: ["nondeterministic_output_order"],
                    handler: { c throws(CommandError) in try hgetall(c, fields: true, values: false) }),
        CommandSpec("hvals", arity: 2, flags: [.readonly], keys: [.key(1, "RO ACCESS")], acl: ["@hash"],
                    group: "hash", summary: "Returns all values in a hash.", tips: ["nondeterministic_output_order"],
                    handler: { c throws(CommandError) in try hgetall(c, fields: false, values: true) }),
        CommandSpec("hdel", arity: -3, flags: [.write, .fast], keys: [.key(1, "RW DELETE")], acl: ["@hash"],
                    group: "hash", summary: "Deletes one or more fields and their values from a hash.", handler: hdel),
        CommandSpec("hexists", arity: 3, flags: [.readonly, .fast], keys: [.key(1, "RO")], acl: ["@hash"],
                    group: "hash", summary: "Determines whether a field exists in a hash.", handler: hexists),
        CommandSpec("hlen", arity: 2, flags: [.readonly, .fast], keys: [.key(1, "RO")], acl: ["@hash"],
                    group: "hash", summary: "Returns the number of fields in a hash.", handler: hlen),
        CommandSpec("hstrlen", arity: 3, flags: [.readonly, .fast], keys: [.key(1, "RO")], acl: ["@hash"],
                    group: "hash", summary: "Returns the length of the value of a field.", handler: hstrlen),
        CommandSpec("hincrby", arity: 4, flags: [.write, .denyOOM, .fast], keys: [.key(1, "RW ACCESS UPDATE")],
                    acl: ["@hash"], group: "hash",
                    summary: "Increments the integer value of a field in a hash by a number.", handler: hincrby),
        CommandSpec("hincrbyfloat", arity: 4, flags: [.write, .denyOOM, .fast], keys: [.key(1, "RW ACCESS UPDATE")],
                    acl: ["@hash"], group: "hash",
                    summary: "Increments the floating point value of a field by a number.", handler: hincrbyfloat),
        CommandSpec("hrandfield", arity: -2, flags: [.readonly], keys: [.key(1, "RO ACCESS")], acl: ["@hash"],
                    group: "hash", summary: "Returns one or more random fields from a hash.",
                    tips: ["nondeterministic_output"], handler: hrandfield),
        CommandSpec("hscan", arity: -3, flags: [.readonly], keys: [.key(1, "RO ACCESS")], acl: ["@hash"],
                    group: "hash", summary: "Iterates over fields and values of a hash.",
                    tips: ["nondeterministic_output"], handler: hscan),
        ] + fieldExpirySpecs()
    }

    // MARK: - Lookup

    /// The hash at `key` for a read: nil when missing, WRONGTYPE for another type.
    static func readHash(_ c: CommandContext, _ key: UnsafeRawBufferPointer) throws(CommandError) -> HashValue? {
        guard let v = c.db.get(key, options: c.readOptions) else { return nil }
        guard v.type == .hash else { throw .wrongType }
        let hash = unsafeDowncast(v.collection, to: HashValue.self)
        if hash.hasFieldDeadlines && !expireDueFields(c, key, hash) { return nil }
        return hash
    }

    /// The hash at `key` for a write (no hit/miss statistics): nil when missing, WRONGTYPE for another type.
    static func writeHash(_ c: CommandContext, _ key: UnsafeRawBufferPointer) throws(CommandError) -> HashValue? {
        guard let i = c.db.find(key, options: [.noStats]) else { return nil }
        let v = c.db.keys.entry(i).pointee.value
        guard v.type == .hash else { throw .wrongType }
        let hash = unsafeDowncast(v.collection, to: HashValue.self)
        if hash.hasFieldDeadlines && !expireDueFields(c, key, hash) { return nil }
        return hash
    }

    /// Stores a new hash at `key` (which a write lookup just found missing); `add` signals the modification.
    static func addHash(_ c: CommandContext, _ key: UnsafeRawBufferPointer, _ hash: HashValue) {
        _ = c.db.add(key, Value(object: hash, type: .hash))
    }

    // MARK: - Writes

    /// HSET and HMSET: the same work, HSET replies the number of new fields, HMSET +OK.
    static func hset(_ c: CommandContext, okReply: Bool) throws(CommandError) {
        let args = c.args
        guard args.count % 2 == 0 else { throw .wrongArity(c.spec.fullName) }
        let key = args[1]
        let limits = c.server.config.hashLimits
        let existing = try writeHash(c, key)
        let hash = existing ?? HashValue()
        var longest = 0
        var total = 0
        for i in 2..<args.count {
            longest = max(longest, args[i].count)
            total += args[i].count
        }
        hash.prepareForWrite(pairs: (args.count - 2) / 2, longest: longest, totalBytes: total, limits: limits)
        var created = 0
        var i = 2
        while i < args.count {
            if hash.set(args[i], args[i + 1], limits: limits) { created += 1 }
            i += 2
        }
        if existing == nil {
            addHash(c, key, hash)
        } else {
            c.db.modified(key)
        }
        c.keyspace.dirty &+= (args.count - 2) / 2 - 1
        c.notify(.hash, "hset", key)
        okReply ? c.ok() : c.integer(created)
    }

    static func hsetnx(_ c: CommandContext) throws(CommandError) {
        let key = c.args[1]
        let field = c.args[2]
        let value = c.args[3]
        let limits = c.server.config.hashLimits
        let existing = try writeHash(c, key)
        if let existing, existing.contains(field) { return c.integer(0) }
        let hash = existing ?? HashValue()
        hash.prepareForWrite(pairs: 1, longest: max(field.count, value.count), totalBytes: field.count + value.count,
                             limits: limits)
        hash.set(field, value, limits: limits)
        if existing == nil { addHash(c, key, hash) } else { c.db.modified(key) }
        c.notify(.hash, "hset", key)
        c.integer(1)
    }

    static func hdel(_ c: CommandContext) throws(CommandError) {
        let key = c.args[1]
        guard let hash = try writeHash(c, key) else { return c.integer(0) }
        var deleted = 0
        for i in 2..<c.args.count where hash.remove(c.args[i]) {
            deleted += 1
            if hash.count == 0 { break }
        }
        if deleted > 0 {
            c.notify(.hash, "hdel", key)
            if hash.count == 0 {
                c.db.delete(key)
                c.notify(.generic, "del", key)
            } else {
                c.db.modified(key)
            }
            c.keyspace.dirty &+= deleted - 1
        }
        c.integer(deleted)
    }

    static func hincrby(_ c: CommandContext) throws(CommandError) {
        guard let increment = parseInt64(c.args[3]) else { throw .notInteger }
        let key = c.args[1]
        let field = c.args[2]
        let existing = try writeHash(c, key)
        var current: Int64 = 0
        if let existing {
            let parsed: Int64?? = existing.withValue(field) { $0.count <= 20 ? parseInt64($0) : nil }
            if let parsed {
                guard let n = parsed else { throw .err("hash value is not an integer") }
                current = n
            }
        }
        let (result, overflow) = current.addingReportingOverflow(increment)
        if overflow { throw .overflow }
        let hash = existing ?? HashValue()
        // HINCRBY keeps the field's deadline (Redis 7.4's HASH_SET_KEEP_TTL); HSET clears it.
        withDecimalBytes(result) { _ = hash.set(field, $0, limits: c.server.config.hashLimits, keepTTL: true) }
        if existing == nil { addHash(c, key, hash) } else { c.db.modified(key) }
        c.notify(.hash, "hincrby", key)
        c.integer(Int(result))
    }

    static func hincrbyfloat(_ c: CommandContext) throws(CommandError) {
        guard let increment = parseLongDouble(c.args[3]) else { throw .notFloat }
        if increment.isNaN || increment.isInfinite { throw .err("value is NaN or Infinity") }
        let key = c.args[1]
        let field = c.args[2]
        let existing = try writeHash(c, key)
        var current: Float80 = 0
        if let existing {
            let parsed: Float80?? = existing.withValue(field) { parseLongDouble($0) }
            if let parsed {
                guard let d = parsed else { throw .err("hash value is not a float") }
                current = d
            }
        }
        let result = current + increment
        if result.isNaN || result.isInfinite { throw .err("increment would produce NaN or Infinity") }
        let text = formatLongDouble(result, humanFriendly: true)
        let hash = existing ?? HashValue()
        text.withUnsafeBytes { _ = hash.set(field, $0, limits: c.server.config.hashLimits, keepTTL: true) }
        if existing == nil { addHash(c, key, hash) } else { c.db.modified(key) }
        c.notify(.hash, "hincrbyfloat", key)
        // Propagated as HSET of the result (float formatting never makes a replay differ).
        c.propagateAs(["HSET", .original(1), .original(2), .bytes(text)])
        c.bulk(text)
    }

    // MARK: - Reads

    static func hget(_ c: CommandContext) throws(CommandError) {
        guard let hash = try readHash(c, c.args[1]) else { return c.null() }
        if hash.withValue(c.args[2], { c.bulk($0) }) == nil { c.null() }
    }

    static func hmget(_ c: CommandContext) throws(CommandError) {
        let hash = try readHash(c, c.args[1])
        c.array(c.args.count - 2)
        for i in 2..<c.args.count {
            if hash?.withValue(c.args[i], { c.bulk($0) }) == nil { c.null() }
        }
    }

    /// HGETALL (a map in RESP3), HKEYS and HVALS (arrays).
    static func hgetall(_ c: CommandContext, fields: Bool, values: Bool) throws(CommandError) {
        let both = fields && values
        guard let hash = try readHash(c, c.args[1]) else { return both ? c.map(0) : c.array(0) }
        if both { c.map(hash.count) } else { c.array(hash.count) }
        hash.forEach { f, v in
            if fields { c.bulk(f) }
            if values { c.bulk(v) }
        }
    }

    static func hexists(_ c: CommandContext) throws(CommandError) {
        guard let hash = try readHash(c, c.args[1]) else { return c.integer(0) }
        c.integer(hash.contains(c.args[2]) ? 1 : 0)
    }

    static func hlen(_ c: CommandContext) throws(CommandError) {
        guard let hash = try readHash(c, c.args[1]) else { return c.integer(0) }
        c.integer(hash.count)
    }

    static func hstrlen(_ c: CommandContext) throws(CommandError) {
        guard let hash = try readHash(c, c.args[1]) else { return c.integer(0) }
        c.integer(hash.valueLength(c.args[2]))
    }

    // MARK: - HRANDFIELD

    /// HRANDFIELD key [count [WITHVALUES]].
    static func hrandfield(_ c: CommandContext) throws(CommandError) {
        if c.args.count >= 3 {
            let count = try RandomSampling.count(c.args[2])
            if c.args.count > 4 || (c.args.count == 4 && !argEquals(c.args[3], "WITHVALUES")) { throw .syntax }
            let withValues = c.args.count == 4
            // Twice the count must fit a long (the RESP2 reply has 2·count elements).
            if withValues && (count < -(Int.max / 2) || count > Int.max / 2) { throw .err("value is out of range") }
            return try hrandfieldWithCount(c, count, withValues: withValues)
        }
        guard let hash = try readHash(c, c.args[1]) else { return c.null() }
        let i = c.keyspace.random.below(hash.count)
        hash.withPair(i, hash.ordinals()) { f, _ in c.bulk(f) }
    }

    /// hrandfieldWithCountCommand: a negative count may repeat fields (independent uniform picks); a positive one
    /// returns distinct fields, the whole hash when it asks for at least as many. RESP3 pairs each field with its
    /// value in a two-element array; RESP2 flattens them.
    static func hrandfieldWithCount(_ c: CommandContext, _ requested: Int, withValues: Bool) throws(CommandError) {
        guard let hash = try readHash(c, c.args[1]) else { return c.array(0) }
        let size = hash.count
        let unique = requested >= 0
        let count = abs(requested)
        if count == 0 { return c.array(0) }
        let pairs = withValues && c.resp3
        func emit(_ i: Int, _ index: HashValue.Ordinals) {
            hash.withPair(i, index) { f, v in
                if pairs { c.array(2) }
                c.bulk(f)
                if withValues { c.bulk(v) }
            }
        }
        var rng = c.keyspace.random
        defer { c.keyspace.random = rng }
        let index = hash.ordinals()
        // Case 1: repeats allowed (or a single field).
        if !unique || count == 1 {
            c.array(withValues && !c.resp3 ? count * 2 : count)
            for _ in 0..<count { emit(rng.below(size), index) }
            return
        }
        let replySize = min(count, size)
        c.array(withValues && !c.resp3 ? replySize * 2 : replySize)
        // Case 2: the whole hash.
        if count >= size {
            for i in 0..<size { emit(i, index) }
            return
        }
        for i in RandomSampling.distinctOrdinals(count: count, of: size, inOrder: hash.isPacked, &rng) {
            emit(i, index)
        }
    }

    // MARK: - HSCAN

    /// HSCAN key cursor [MATCH pattern] [COUNT count] [NOVALUES]: the cursor is checked first, then the key, then
    /// the options (Redis 7.2's order). NOVALUES is Redis 7.4's.
    static func hscan(_ c: CommandContext) throws(CommandError) {
        let cursor = try KeyspaceCommands.parseCursor(c.args[2])
        guard let hash = try readHash(c, c.args[1]) else { return ScanOptions.replyEmpty(c) }
        let options = try ScanOptions.parse(c, from: 3, allowNoValues: true)
        var items: [(Bytes, Bytes?)] = []
        let next = hash.scan(cursor: cursor, count: options.count) { f, v in
            if let p = options.pattern, !globMatch(pattern: p, string: f) { return }
            items.append((Bytes(f), options.noValues ? nil : Bytes(v)))
        }
        c.array(2)
        c.bulk(String(next))
        c.array(options.noValues ? items.count : items.count * 2)
        for (f, v) in items {
            c.bulk(f)
            if let v { c.bulk(v) }
        }
    }
}
