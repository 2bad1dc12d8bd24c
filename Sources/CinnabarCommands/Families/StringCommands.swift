// String commands (Redis's t_string.c): GET/SET and their variants, counters, ranges and LCS. Values are stored
// as Redis encodes them (int, embstr, raw; see CinnabarStorage/Value.swift), so GET of a counter formats the
// integer straight into the reply buffer and INCR never allocates.
// SPDX-License-Identifier: BSD-3-Clause
import CinnabarStorage

enum StringCommands {
    /// The family's command specs; each server builds its own (they carry its command statistics).
    static func makeSpecs() -> [CommandSpec] {
        [
        CommandSpec("get", arity: 2, flags: [.readonly, .fast], keys: [.key(1, "RO ACCESS")], acl: ["@string"], group: "string",
                    summary: "Returns the string value of a key.", handler: get),
        CommandSpec("set", arity: -3, flags: [.write, .denyOOM], keys: [.key(1, "RW ACCESS UPDATE VARIABLE_FLAGS", notes: "RW and ACCESS due to the optional `GET` argument")], acl: ["@string"], group: "string",
                    summary: "Sets the string value of a key, ignoring its type. The key is created if it doesn't exist.",
                    handler: set),
        CommandSpec("setnx", arity: 3, flags: [.write, .denyOOM, .fast], keys: [.key(1, "OW INSERT")], acl: ["@string"],
                    group: "string", summary: "Set the string value of a key only when the key doesn't exist.",
                    handler: setnx),
        CommandSpec("setex", arity: 4, flags: [.write, .denyOOM], keys: [.key(1, "OW UPDATE")], acl: ["@string"], group: "string",
                    summary: "Sets the string value and expiration time of a key. Creates the key if it doesn't exist.",
                    since: "2.0.0", handler: setex),
        CommandSpec("psetex", arity: 4, flags: [.write, .denyOOM], keys: [.key(1, "OW UPDATE")], acl: ["@string"], group: "string",
                    summary: "Sets both string value and expiration time in milliseconds of a key.", since: "2.6.0",
                    handler: psetex),
        CommandSpec("getex", arity: -2, flags: [.write, .fast], keys: [.key(1, "RW ACCESS UPDATE", notes: "RW and UPDATE because it changes the TTL")], acl: ["@string"], group: "string",
                    summary: "Returns the string value of a key after setting its expiration time.", since: "6.2.0",
                    handler: getex),
        CommandSpec("getdel", arity: 2, flags: [.write, .fast], keys: [.key(1, "RW ACCESS DELETE")], acl: ["@string"], group: "string",
                    summary: "Returns the string value of a key after deleting the key.", since: "6.2.0",
                    handler: getdel),
        CommandSpec("getset", arity: 3, flags: [.write, .denyOOM, .fast], keys: [.key(1, "RW ACCESS UPDATE")], acl: ["@string"],
                    group: "string", summary: "Returns the previous string value of a key after setting it to a new value.",
                    handler: getset),
        CommandSpec("mget", arity: -2, flags: [.readonly, .fast], keys: [.key(1, "RO ACCESS", last: -1)], acl: ["@string"],
                    group: "string", summary: "Atomically returns the string values of one or more keys.",
                    complexity: "O(N) where N is the number of keys to retrieve.", handler: mget),
        CommandSpec("mset", arity: -3, flags: [.write, .denyOOM], keys: [.key(1, "OW UPDATE", last: -1, step: 2)], acl: ["@string"],
                    group: "string", summary: "Atomically creates or modifies the string values of one or more keys.",
                    since: "1.0.1", complexity: "O(N) where N is the number of keys to set.", handler: mset),
        CommandSpec("msetnx", arity: -3, flags: [.write, .denyOOM], keys: [.key(1, "OW INSERT", last: -1, step: 2)], acl: ["@string"],
                    group: "string",
                    summary: "Atomically modifies the string values of one or more keys only when all keys don't exist.",
                    since: "1.0.1", complexity: "O(N) where N is the number of keys to set.", handler: msetnx),
        CommandSpec("append", arity: 3, flags: [.write, .denyOOM, .fast], keys: [.key(1, "RW INSERT")], acl: ["@string"],
                    group: "string", summary: "Appends a string to the value of a key. Creates the key if it doesn't exist.",
                    since: "2.0.0", handler: append),
        CommandSpec("strlen", arity: 2, flags: [.readonly, .fast], keys: [.key(1, "RO")], acl: ["@string"], group: "string",
                    summary: "Returns the length of a string value.", since: "2.2.0", handler: strlen),
        CommandSpec("getrange", arity: 4, flags: [.readonly], keys: [.key(1, "RO ACCESS")], acl: ["@string"], group: "string",
                    summary: "Returns a substring of the string stored at a key.", since: "2.4.0",
                    complexity: "O(N) where N is the length of the returned string.", handler: getrange),
        CommandSpec("substr", arity: 4, flags: [.readonly], keys: [.key(1, "RO ACCESS")], acl: ["@string"], group: "string",
                    summary: "Returns a substring from a string value.", since: "1.0.0",
                    complexity: "O(N) where N is the length of the returned string.", handler: getrange),
        CommandSpec("setrange", arity: 4, flags: [.write, .denyOOM], keys: [.key(1, "RW UPDATE")], acl: ["@string"],
                    group: "string",
                    summary: "Overwrites a part of a string value with another by an offset. Creates the key if it doesn't exist.",
                    since: "2.2.0", handler: setrange),
        CommandSpec("incr", arity: 2, flags: [.write, .denyOOM, .fast], keys: [.key(1, "RW ACCESS UPDATE")], acl: ["@string"],
                    group: "string", summary: "Increments the integer value of a key by one. Uses 0 as initial value if the key doesn't exist.",
                    handler: { c throws(CommandError) in try incrBy(c, 1) }),
        CommandSpec("decr", arity: 2, flags: [.write, .denyOOM, .fast], keys: [.key(1, "RW ACCESS UPDATE")], acl: ["@string"],
                    group: "string", summary: "Decrements the integer value of a key by one. Uses 0 as initial value if the key doesn't exist.",
                    handler: { c throws(CommandError) in try incrBy(c, -1) }),
        CommandSpec("incrby", arity: 3, flags: [.write, .denyOOM, .fast], keys: [.key(1, "RW ACCESS UPDATE")], acl: ["@string"],
                    group: "string", summary: "Increments the integer value of a key by a number. Uses 0 as initial value if the key doesn't exist.",
                    handler: { c throws(CommandError) in try incrBy(c, c.int(2)) }),
        CommandSpec("decrby", arity: 3, flags: [.write, .denyOOM, .fast], keys: [.key(1, "RW ACCESS UPDATE")], acl: ["@string"],
                    group: "string", summary: "Decrements a number from the integer value of a key. Uses 0 as initial value if the key doesn't exist.",
                    handler: decrby),
        CommandSpec("incrbyfloat", arity: 3, flags: [.write, .denyOOM, .fast], keys: [.key(1, "RW ACCESS UPDATE")], acl: ["@string"],
                    group: "string", summary: "Increment the floating point value of a key by a number. Uses 0 as initial value if the key doesn't exist.",
                    since: "2.6.0", handler: incrbyfloat),
        CommandSpec("lcs", arity: -3, flags: [.readonly], keys: [.key(1, "RO ACCESS", last: 1)], acl: ["@string"], group: "string",
                    summary: "Finds the longest common substring.", since: "7.0.0",
                    complexity: "O(N*M) where N and M are the lengths of s1 and s2, respectively", handler: lcs),
    ]
    }

    // MARK: - GET and SET

    static func get(_ c: CommandContext) throws(CommandError) {
        guard let v = try c.stringValue(c.args[1]) else { return c.null() }
        c.bulk(value: v)
    }

    /// The options of SET and GETEX, as value types rather than Redis's flag bits.
    struct SetOptions {
        enum Condition { case always, ifAbsent, ifPresent }
        enum Expiry { case none, keep, persist, at(Int64) }
        var condition = Condition.always
        var expiry = Expiry.none
        var returnsOldValue = false
        /// The absolute deadline came from EXAT/PXAT (GETEX deletes at once when it is in the past).
        var absolute = false
        /// The deadline was given as PXAT (propagated as given, not rewritten).
        var pxat = false
    }

    /// Parses `[NX|XX] [GET] [EX s|PX ms|EXAT s|PXAT ms|KEEPTTL|PERSIST]` from `start` on, with Redis's rules
    /// about which options exclude each other (any conflict is a syntax error).
    static func parseSetOptions(_ c: CommandContext, from start: Int, forGetEx: Bool) throws(CommandError) -> SetOptions {
        var o = SetOptions()
        var unit: ExpiryUnit? = nil  // the expiry option given, which may repeat but not mix with another
        var keepOrPersist = false
        var expiryArgument: Int? = nil
        var i = start
        let a = c.args
        while i < a.count {
            let opt = a[i]
            if !forGetEx && argEquals(opt, "NX") && o.condition != .ifPresent {
                o.condition = .ifAbsent
            } else if !forGetEx && argEquals(opt, "XX") && o.condition != .ifAbsent {
                o.condition = .ifPresent
            } else if !forGetEx && argEquals(opt, "GET") {
                o.returnsOldValue = true
            } else if !forGetEx && argEquals(opt, "KEEPTTL") && unit == nil {
                o.expiry = .keep
                keepOrPersist = true
            } else if forGetEx && argEquals(opt, "PERSIST") && unit == nil {
                o.expiry = .persist
                keepOrPersist = true
            } else if let u = expiryUnit(opt), i + 1 < a.count, unit == nil || unit == u, !keepOrPersist {
                expiryArgument = i + 1
                unit = u
                i += 1
            } else {
                throw .syntax
            }
            i += 1
        }
        // Values are checked after the syntax, as Redis does.
        if let e = expiryArgument, let u = unit {
            o.expiry = .at(try expireDeadline(c, a[e], unit: u))
            o.absolute = u == .unixSeconds || u == .unixMilliseconds
            o.pxat = u == .unixMilliseconds
        }
        return o
    }

    enum ExpiryUnit { case seconds, milliseconds, unixSeconds, unixMilliseconds }

    private static func expiryUnit(_ opt: UnsafeRawBufferPointer) -> ExpiryUnit? {
        if argEquals(opt, "EX") { return .seconds }
        if argEquals(opt, "PX") { return .milliseconds }
        if argEquals(opt, "EXAT") { return .unixSeconds }
        if argEquals(opt, "PXAT") { return .unixMilliseconds }
        return nil
    }

    /// Turns an EX/PX/EXAT/PXAT argument into an absolute deadline in ms (getExpireMillisecondsOrReply).
    static func expireDeadline(_ c: CommandContext, _ arg: UnsafeRawBufferPointer, unit: ExpiryUnit) throws(CommandError) -> Int64 {
        guard var ms = parseInt64(arg) else { throw .notInteger }
        let seconds = unit == .seconds || unit == .unixSeconds
        if ms <= 0 || (seconds && ms > Int64.max / 1000) { throw .invalidExpire(c.spec.fullName) }
        if seconds { ms *= 1000 }
        if unit == .seconds || unit == .milliseconds {
            let (sum, overflow) = ms.addingReportingOverflow(c.now)
            if overflow || sum <= 0 { throw .invalidExpire(c.spec.fullName) }
            ms = sum
        }
        return ms
    }

    static func set(_ c: CommandContext) throws(CommandError) {
        // Fast path: plain `SET key value`.
        if c.args.count == 3 {
            c.db.set(c.args[1], Value(string: c.args[2]))
            c.notify(.string, "set", c.args[1])
            return c.ok()
        }
        let o = try parseSetOptions(c, from: 3, forGetEx: false)
        try setGeneric(c, key: c.args[1], value: c.args[2], options: o, okReply: nil)
    }

    /// SET, SETNX, SETEX, PSETEX and GETSET: `okReply` nil replies +OK / null, else 1 / 0 (SETNX).
    static func setGeneric(
        _ c: CommandContext, key: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer, options o: SetOptions,
        okReply: (Int, Int)?
    ) throws(CommandError) {
        let db = c.db
        let existing = db.find(key, options: [.noStats])
        if o.returnsOldValue {
            if let i = existing {
                let v = db.keys.entry(i).pointee.value
                guard v.isString else { throw .wrongType }
                c.bulk(value: v)
            } else {
                c.null()
            }
        }
        if (o.condition == .ifAbsent && existing != nil) || (o.condition == .ifPresent && existing == nil) {
            if !o.returnsOldValue {
                if let (_, no) = okReply { c.integer(no) } else { c.null() }
            }
            return
        }
        var keep = false
        if case .keep = o.expiry { keep = true }
        db.set(key, Value(string: value), keepTTL: keep)
        c.notify(.string, "set", key)
        if case let .at(deadline) = o.expiry {
            db.setExpire(key, at: deadline)
            c.notify(.generic, "expire", key)
            // Propagated as SET key value PXAT ms: a relative TTL must not restart when the AOF is replayed.
            if !o.pxat { c.propagateAs(["SET", .bytes(Array(key)), .bytes(Array(value)), "PXAT", .integer(deadline)]) }
        } else if o.returnsOldValue && c.server.propagation.enabled {
            // Propagated without GET (GETSET as SET).
            var args: [PropagatedArgument] = ["SET"]
            for i in 1..<c.args.count where i < 3 || !argEquals(c.args[i], "GET") { args.append(.original(i)) }
            c.propagateAs(args)
        }
        if !o.returnsOldValue {
            if let (yes, _) = okReply { c.integer(yes) } else { c.ok() }
        }
    }

    static func setnx(_ c: CommandContext) throws(CommandError) {
        var o = SetOptions()
        o.condition = .ifAbsent
        try setGeneric(c, key: c.args[1], value: c.args[2], options: o, okReply: (1, 0))
    }

    static func setex(_ c: CommandContext) throws(CommandError) {
        var o = SetOptions()
        o.expiry = .at(try expireDeadline(c, c.args[2], unit: .seconds))
        try setGeneric(c, key: c.args[1], value: c.args[3], options: o, okReply: nil)
    }

    static func psetex(_ c: CommandContext) throws(CommandError) {
        var o = SetOptions()
        o.expiry = .at(try expireDeadline(c, c.args[2], unit: .milliseconds))
        try setGeneric(c, key: c.args[1], value: c.args[3], options: o, okReply: nil)
    }

    static func getset(_ c: CommandContext) throws(CommandError) {
        var o = SetOptions()
        o.returnsOldValue = true
        try setGeneric(c, key: c.args[1], value: c.args[2], options: o, okReply: nil)
    }

    static func getex(_ c: CommandContext) throws(CommandError) {
        let o = try parseSetOptions(c, from: 2, forGetEx: true)
        let key = c.args[1]
        guard let v = try c.stringValue(key) else { return c.null() }
        c.bulk(value: v)
        switch o.expiry {
        case let .at(deadline):
            if o.absolute && deadline <= c.now {
                c.server.deleteKey(c.db, key, lazy: c.server.config.lazyfreeExpire)
                c.notify(.generic, "del", key)
                c.propagateAs([c.deletion(lazy: "lazyfree-lazy-expire"), .original(1)])
            } else {
                c.db.setExpire(key, at: deadline)
                c.db.modified(key)
                c.notify(.generic, "expire", key)
                c.propagateAs(["PEXPIREAT", .original(1), .integer(deadline)])
            }
        case .persist:
            if c.db.removeExpire(key) {
                c.propagateAs(["PERSIST", .original(1)])
                c.db.modified(key)
                c.notify(.generic, "persist", key)
            }
        case .none, .keep:
            break
        }
    }

    static func getdel(_ c: CommandContext) throws(CommandError) {
        guard let v = try c.stringValue(c.args[1]) else { return c.null() }
        c.bulk(value: v)
        c.db.delete(c.args[1])
        c.notify(.generic, "del", c.args[1])
        c.propagateAs(["DEL", .original(1)])
    }

    static func mget(_ c: CommandContext) throws(CommandError) {
        c.array(c.args.count - 1)
        let db = c.db
        for i in 1..<c.args.count {
            if let v = db.get(c.args[i], options: c.readOptions), v.isString {
                c.bulk(value: v)
            } else {
                c.null()
            }
        }
    }

    static func mset(_ c: CommandContext) throws(CommandError) {
        guard c.args.count % 2 == 1 else { throw .wrongArity(c.spec.fullName) }
        let db = c.db
        var i = 1
        while i < c.args.count {
            db.set(c.args[i], Value(string: c.args[i + 1]))
            c.notify(.string, "set", c.args[i])
            i += 2
        }
        c.ok()
    }

    static func msetnx(_ c: CommandContext) throws(CommandError) {
        guard c.args.count % 2 == 1 else { throw .wrongArity(c.spec.fullName) }
        let db = c.db
        var i = 1
        while i < c.args.count {
            if db.find(c.args[i], options: [.noStats]) != nil { return c.integer(0) }
            i += 2
        }
        i = 1
        while i < c.args.count {
            db.set(c.args[i], Value(string: c.args[i + 1]))
            c.notify(.string, "set", c.args[i])
            i += 2
        }
        c.integer(1)
    }

    // MARK: - Modification in place

    static func checkStringLength(_ c: CommandContext, _ size: Int, _ append: Int) throws(CommandError) {
        let (total, overflow) = size.addingReportingOverflow(append)
        if overflow || total > c.server.config.protoMaxBulkLen { throw .stringTooLong }
    }

    static func append(_ c: CommandContext) throws(CommandError) {
        let key = c.args[1]
        let suffix = c.args[2]
        let db = c.db
        guard let index = db.find(key, options: [.noStats]) else {
            // A new key stores the value as given (Redis creates it without int encoding attempts here).
            _ = db.add(key, Value(rawString: suffix, markRaw: false))
            c.notify(.string, "append", key)
            return c.integer(suffix.count)
        }
        guard db.keys.entry(index).pointee.holdsString else { throw .wrongType }
        let current = db.keys.entry(index).pointee.value.stringLength
        try checkStringLength(c, current, suffix.count)
        let newLength = current + suffix.count
        db.withValue(at: index) { value in
            value.mutateString(minimumCount: newLength) { view in
                view.withUnsafeMutableBytes { dst in
                    if let s = suffix.baseAddress { (dst.baseAddress! + current).copyMemory(from: s, byteCount: suffix.count) }
                }
            }
        }
        db.modified(key)
        c.notify(.string, "append", key)
        c.integer(newLength)
    }

    static func strlen(_ c: CommandContext) throws(CommandError) {
        guard let v = try c.stringValue(c.args[1]) else { return c.integer(0) }
        c.integer(v.stringLength)
    }

    static func getrange(_ c: CommandContext) throws(CommandError) {
        var start = try c.int(2)
        var end = try c.int(3)
        guard let v = try c.stringValue(c.args[1]) else { return c.bulk([UInt8]()) }
        v.withStringBytes { s in
            let n = s.count
            if start < 0 && end < 0 && start > end { return c.bulk([UInt8]()) }
            if start < 0 { start = n + start }
            if end < 0 { end = n + end }
            if start < 0 { start = 0 }
            if end < 0 { end = 0 }
            if end >= n { end = n - 1 }
            if start > end || n == 0 { return c.bulk([UInt8]()) }
            c.bulk(UnsafeRawBufferPointer(rebasing: s[start...end]))
        }
    }

    static func setrange(_ c: CommandContext) throws(CommandError) {
        let offset = try c.int(2)
        let key = c.args[1]
        let value = c.args[3]
        guard offset >= 0 else { throw .err("offset is out of range") }
        let db = c.db
        let index: Int
        if let i = db.find(key, options: [.noStats]) {
            let v = db.value(at: i)
            guard v.isString else { throw .wrongType }
            if value.isEmpty { return c.integer(v.stringLength) }
            try checkStringLength(c, offset, value.count)
            index = i
        } else {
            if value.isEmpty { return c.integer(0) }
            try checkStringLength(c, offset, value.count)
            index = db.add(key, Value(rawString: UnsafeRawBufferPointer(start: nil, count: 0), markRaw: true))
        }
        let length = db.withValue(at: index) { stored in
            stored.mutateString(minimumCount: offset + value.count) { view in
                view.withUnsafeMutableBytes { dst in
                    (dst.baseAddress! + offset).copyMemory(from: value.baseAddress!, byteCount: value.count)
                    return dst.count
                }
            }
        }
        db.modified(key)
        c.notify(.string, "setrange", key)
        c.integer(length)
    }

    // MARK: - Counters

    static func decrby(_ c: CommandContext) throws(CommandError) {
        let by = try c.int(2)
        // Redis 7.2: negating LLONG_MIN would overflow.
        guard by != Int.min else { throw .err("decrement would overflow") }
        try incrBy(c, -by)
    }

    /// INCR, DECR, INCRBY, DECRBY.
    static func incrBy(_ c: CommandContext, _ by: Int) throws(CommandError) {
        let key = c.args[1]
        let db = c.db
        guard let index = db.find(key, options: [.noStats]) else {
            _ = db.add(key, Value(integer: Int64(by)))
            c.notify(.string, "incrby", key)
            return c.integer(by)
        }
        let e = db.keys.entry(index)
        let current: Int64
        if let n = e.pointee.integer {
            current = n
        } else {
            let v = e.pointee.value
            guard v.isString else { throw .wrongType }
            guard let n = v.withStringBytes({ $0.count <= 20 ? parseInt64($0) : nil }) else { throw .notInteger }
            current = n
        }
        let (result, overflow) = current.addingReportingOverflow(Int64(by))
        if overflow { throw .overflow }
        e.pointee.setInteger(result)
        db.modified(key)
        c.notify(.string, "incrby", key)
        c.integer(Int(result))
    }

    static func incrbyfloat(_ c: CommandContext) throws(CommandError) {
        let key = c.args[1]
        let db = c.db
        let existing = db.find(key, options: [.noStats])
        var current: Float80 = 0
        if let i = existing {
            let v = db.keys.entry(i).pointee.value
            guard v.isString else { throw .wrongType }
            guard let d = v.withStringBytes({ parseLongDouble($0) }) else { throw .notFloat }
            current = d
        }
        guard let increment = parseLongDouble(c.args[2]) else { throw .notFloat }
        let result = current + increment
        if result.isNaN || result.isInfinite { throw .err("increment would produce NaN or Infinity") }
        let text = formatLongDouble(result, humanFriendly: true)
        let value = text.withUnsafeBytes { Value(rawString: $0, markRaw: false) }
        if let i = existing {
            db.setValue(at: i, value)
            db.modified(key)
        } else {
            _ = db.add(key, value)
        }
        c.notify(.string, "incrbyfloat", key)
        // Propagated as the result, so float formatting never makes a replayed AOF differ.
        c.propagateAs(["SET", .original(1), .bytes(text), "KEEPTTL"])
        c.bulk(text)
    }

    // MARK: - LCS

    static func lcs(_ c: CommandContext) throws(CommandError) {
        var wantLength = false
        var wantIndexes = false
        var withMatchLength = false
        var minMatchLength = 0
        var i = 3
        while i < c.args.count {
            let a = c.args[i]
            if argEquals(a, "IDX") {
                wantIndexes = true
            } else if argEquals(a, "LEN") {
                wantLength = true
            } else if argEquals(a, "WITHMATCHLEN") {
                withMatchLength = true
            } else if argEquals(a, "MINMATCHLEN") && i + 1 < c.args.count {
                minMatchLength = max(0, try c.int(i + 1))
                i += 1
            } else {
                throw .syntax
            }
            i += 1
        }
        let db = c.db
        let va = db.get(c.args[1], options: c.readOptions)
        let vb = db.get(c.args[2], options: c.readOptions)
        if let va, !va.isString {
            throw .err("The specified keys must contain string values")
        }
        if let vb, !vb.isString {
            throw .err("The specified keys must contain string values")
        }
        if wantIndexes && wantLength {
            throw .err("If you want both the length and indexes, please just use IDX.")
        }
        let a = va?.stringBytes ?? Bytes()
        let b = vb?.stringBytes ?? Bytes()
        let maxTable = c.server.config.protoMaxBulkLen
        let computed = a.withUnsafeBytes { ab in
            b.withUnsafeBytes { bb in
                Result { () throws(LCSError) -> LCSResult in
                    try longestCommonSubsequence(
                        ab, bb, computeString: !wantLength && !wantIndexes, computeMatches: wantIndexes,
                        minMatchLength: minMatchLength, maxTableBytes: maxTable)
                }
            }
        }
        let result: LCSResult
        switch computed {
        case let .success(r): result = r
        case let .failure(e): throw .err(e.redisMessage)
        }
        if wantIndexes {
            c.map(2)
            c.bulk("matches")
            c.array(result.matches.count)
            for m in result.matches {
                c.array(withMatchLength ? 3 : 2)
                c.array(2)
                c.integer(m.a.lowerBound)
                c.integer(m.a.upperBound)
                c.array(2)
                c.integer(m.b.lowerBound)
                c.integer(m.b.upperBound)
                if withMatchLength { c.integer(m.length) }
            }
            c.bulk("len")
            c.integer(result.length)
        } else if wantLength {
            c.integer(result.length)
        } else {
            c.bulk(result.string)
        }
    }
}
