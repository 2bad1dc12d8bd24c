// Hash-field expiration commands (Redis 7.4, t_hash.c's hexpireGenericCommand, httlGenericCommand and
// hpersistCommand): HEXPIRE, HPEXPIRE, HEXPIREAT, HPEXPIREAT set per-field deadlines, HTTL, HPTTL, HEXPIRETIME,
// HPEXPIRETIME read them, HPERSIST removes them. Each takes `FIELDS numfields field...` and replies one integer per
// field, in argument order. Deadlines are stored by HashValue (HashValue+FieldExpiry.swift); lazy expiry is in the
// family's lookups and active expiry in the keyspace's cycle (Keyspace+FieldExpire.swift).
// SPDX-License-Identifier: BSD-3-Clause
import CinnabarRESP
import CinnabarStorage

extension HashCommands {
    static func fieldExpirySpecs() -> [CommandSpec] {
        [
        CommandSpec("hexpire", arity: -6, flags: [.write, .denyOOM, .fast], keys: [.key(1, "RW UPDATE")],
                    acl: ["@hash"], group: "hash",
                    summary: "Set expiry for hash field using relative time to expire (seconds)",
                    handler: { c throws(CommandError) in try hexpire(c, milliseconds: false, absolute: false) }),
        CommandSpec("hpexpire", arity: -6, flags: [.write, .denyOOM, .fast], keys: [.key(1, "RW UPDATE")],
                    acl: ["@hash"], group: "hash",
                    summary: "Set expiry for hash field using relative time to expire (milliseconds)",
                    handler: { c throws(CommandError) in try hexpire(c, milliseconds: true, absolute: false) }),
        CommandSpec("hexpireat", arity: -6, flags: [.write, .denyOOM, .fast], keys: [.key(1, "RW UPDATE")],
                    acl: ["@hash"], group: "hash",
                    summary: "Set expiry for hash field using an absolute Unix timestamp (seconds)",
                    handler: { c throws(CommandError) in try hexpire(c, milliseconds: false, absolute: true) }),
        CommandSpec("hpexpireat", arity: -6, flags: [.write, .denyOOM, .fast], keys: [.key(1, "RW UPDATE")],
                    acl: ["@hash"], group: "hash",
                    summary: "Set expiry for hash field using an absolute Unix timestamp (milliseconds)",
                    handler: { c throws(CommandError) in try hexpire(c, milliseconds: true, absolute: true) }),
        CommandSpec("httl", arity: -5, flags: [.readonly, .fast], keys: [.key(1, "RO ACCESS")], acl: ["@hash"],
                    group: "hash", summary: "Returns the TTL in seconds of a hash field.",
                    handler: { c throws(CommandError) in try httl(c, milliseconds: false, absolute: false) }),
        CommandSpec("hpttl", arity: -5, flags: [.readonly, .fast], keys: [.key(1, "RO ACCESS")], acl: ["@hash"],
                    group: "hash", summary: "Returns the TTL in milliseconds of a hash field.",
                    handler: { c throws(CommandError) in try httl(c, milliseconds: true, absolute: false) }),
        CommandSpec("hexpiretime", arity: -5, flags: [.readonly, .fast], keys: [.key(1, "RO ACCESS")],
                    acl: ["@hash"], group: "hash",
                    summary: "Returns the expiration time of a hash field as a Unix timestamp, in seconds.",
                    handler: { c throws(CommandError) in try httl(c, milliseconds: false, absolute: true) }),
        CommandSpec("hpexpiretime", arity: -5, flags: [.readonly, .fast], keys: [.key(1, "RO ACCESS")],
                    acl: ["@hash"], group: "hash",
                    summary: "Returns the expiration time of a hash field as a Unix timestamp, in msec.",
                    handler: { c throws(CommandError) in try httl(c, milliseconds: true, absolute: true) }),
        CommandSpec("hpersist", arity: -5, flags: [.write, .fast], keys: [.key(1, "RW UPDATE")], acl: ["@hash"],
                    group: "hash", summary: "Removes the expiration time for each specified field",
                    handler: hpersist),
        ]
    }

    /// The latest deadline a command may set: Redis 7.4's HFE_MAX_ABS_TIME_MSEC, 2^46 - 1 ms (two of the 48 bits
    /// its ebuckets keep for a deadline are reserved).
    static var maxFieldDeadline: Int64 { (1 << 46) - 1 }

    // MARK: - Lazy expiry

    /// Deletes the due fields of `hash` before a command sees it (hashTypeGetValue's lazy expiry, done for the
    /// whole hash at once so that counts, iteration and random picks never include an expired field). Returns
    /// false when no field was left: the key has been deleted. While CLIENT PAUSE holds expiry, nothing is deleted.
    static func expireDueFields(_ c: CommandContext, _ key: UnsafeRawBufferPointer, _ hash: HashValue) -> Bool {
        let now = c.keyspace.now
        guard let next = hash.nextFieldDeadline, next < now, !c.keyspace.isExpiryPaused, !c.keyspace.state.isLoading
        else { return true }
        c.keyspace.stats.expiredFields += hash.expireFields(before: now)
        // Lazy expiry is not the command's change: the fields' absolute deadlines are in the AOF already, so a
        // replay expires them the same way.
        c.server.noteExpiryChange()
        c.notify(.hash, "hexpired", key)
        if hash.count == 0 {
            c.db.delete(key)
            c.notify(.generic, "del", key)
            return false
        }
        c.db.modified(key)
        return true
    }

    // MARK: - Arguments

    /// Reads `FIELDS numfields field...` whose FIELDS token is at `at` and returns the index of the first field.
    /// `countError` is the command's text for a count that is not a positive integer.
    static func fieldsArgument(_ c: CommandContext, at: Int, countError: String) throws(CommandError) -> Int {
        guard argEquals(c.args[at], "FIELDS") else {
            throw .err("Mandatory argument FIELDS is missing or not at the right position")
        }
        guard let n = parseInt64(c.args[at + 1]), n >= 1 else { throw .err(countError) }
        guard n == c.args.count - at - 2 else {
            throw .err("The `numfields` parameter must match the number of arguments")
        }
        return at + 2
    }

    /// The NX | XX | GT | LT option of the HEXPIRE family.
    enum DeadlineCondition {
        case always, ifNone, ifSet, ifLater, ifEarlier

        /// Whether a field whose deadline is `current` (nil: none) may get `new`. A field without a deadline
        /// counts as never expiring: GT refuses it, LT accepts it.
        func allows(current: Int64?, new: Int64) -> Bool {
            switch self {
            case .always: return true
            case .ifNone: return current == nil
            case .ifSet: return current != nil
            case .ifLater: return current.map { new > $0 } ?? false
            case .ifEarlier: return current.map { new < $0 } ?? true
            }
        }
    }

    // MARK: - Commands

    /// HEXPIRE, HPEXPIRE, HEXPIREAT and HPEXPIREAT key time [NX | XX | GT | LT] FIELDS numfields field...: the time
    /// is in seconds or `milliseconds`, and `absolute` (a Unix time) or relative to now. Per field: -2 no such field,
    /// 0 condition not met, 1 deadline set, 2 deleted because the deadline is not in the future. The key is
    /// checked first, then the time, then the option and the fields (Redis 7.4's order).
    static func hexpire(_ c: CommandContext, milliseconds: Bool, absolute: Bool) throws(CommandError) {
        let key = c.args[1]
        let existing = try writeHash(c, key)
        guard var when = parseInt64(c.args[2]) else { throw .notInteger }
        if when < 0 { throw .err("invalid expire time, must be >= 0") }
        if !milliseconds {
            if when > maxFieldDeadline / 1000 { throw .invalidExpire(c.spec.fullName) }
            when *= 1000
        }
        let now = c.keyspace.now
        let base = absolute ? 0 : now
        if when > maxFieldDeadline - base { throw .invalidExpire(c.spec.fullName) }
        when += base
        var fieldsAt = 3
        var condition = DeadlineCondition.always
        let option = c.args[3]
        if argEquals(option, "NX") {
            condition = .ifNone
        } else if argEquals(option, "XX") {
            condition = .ifSet
        } else if argEquals(option, "GT") {
            condition = .ifLater
        } else if argEquals(option, "LT") {
            condition = .ifEarlier
        }
        if condition != .always { fieldsAt += 1 }
        let first = try fieldsArgument(c, at: fieldsAt, countError: "Parameter `numFields` should be greater than 0")
        c.array(c.args.count - first)
        guard let hash = existing else {
            for _ in first..<c.args.count { c.integer(-2) }
            return
        }
        var updated = 0
        var deleted = 0
        for i in first..<c.args.count {
            let field = c.args[i]
            guard hash.contains(field) else {
                c.integer(-2)
                continue
            }
            guard condition.allows(current: hash.fieldDeadline(field), new: when) else {
                c.integer(0)
                continue
            }
            // A deadline now or in the past deletes the field at once (Redis's checkAlreadyExpired: when <= now).
            if when <= now {
                hash.remove(field)
                deleted += 1
                c.integer(2)
            } else {
                hash.setFieldDeadline(field, at: when)
                updated += 1
                c.integer(1)
            }
        }
        guard updated + deleted > 0 else { return }
        // Propagated with the absolute deadline in milliseconds (Redis 7.4: HPEXPIREAT).
        if !(milliseconds && absolute) {
            c.propagateAs(["HPEXPIREAT", .original(1), .integer(when)] + (3..<c.args.count).map { .original($0) })
        }
        c.keyspace.stats.expiredFields += deleted
        // hashTypeSetExDone: one event, hdel when a past deadline deleted a field, else hexpire.
        if hash.count == 0 {
            c.db.delete(key)
            c.notify(.hash, "hdel", key)
            c.notify(.generic, "del", key)
        } else {
            c.db.modified(key)
            if hash.hasFieldDeadlines { c.db.volatileHashes.insert(Bytes(key)) }
            c.notify(.hash, deleted > 0 ? "hdel" : "hexpire", key)
        }
        c.keyspace.dirty &+= updated + deleted - 1
    }

    /// HTTL, HPTTL (`absolute` false: time left) and HEXPIRETIME, HPEXPIRETIME (the Unix time) key FIELDS
    /// numfields field..., in seconds (rounded up, as Redis 7.4 does) or `milliseconds`. Per field: -2 no such
    /// field, -1 no deadline.
    static func httl(_ c: CommandContext, milliseconds: Bool, absolute: Bool) throws(CommandError) {
        let hash = try readHash(c, c.args[1])
        let first = try fieldsArgument(c, at: 2, countError: "Number of fields must be a positive integer")
        let base = absolute ? 0 : c.keyspace.now
        c.array(c.args.count - first)
        for i in first..<c.args.count {
            let field = c.args[i]
            guard let hash, hash.contains(field) else {
                c.integer(-2)
                continue
            }
            guard let when = hash.fieldDeadline(field) else {
                c.integer(-1)
                continue
            }
            c.integer(Int(milliseconds ? when - base : (when + 999 - base) / 1000))
        }
    }

    /// HPERSIST key FIELDS numfields field...: per field -2 no such field, -1 no deadline, 1 deadline removed.
    static func hpersist(_ c: CommandContext) throws(CommandError) {
        let key = c.args[1]
        let hash = try writeHash(c, key)
        let first = try fieldsArgument(c, at: 2, countError: "Number of fields must be a positive integer")
        c.array(c.args.count - first)
        var changed = false
        for i in first..<c.args.count {
            let field = c.args[i]
            guard let hash, hash.contains(field) else {
                c.integer(-2)
                continue
            }
            if hash.removeFieldDeadline(field) {
                changed = true
                c.integer(1)
            } else {
                c.integer(-1)
            }
        }
        if changed {
            c.db.modified(key)
            c.notify(.hash, "hpersist", key)
        }
    }
}
