// DUMP and RESTORE (Redis's cluster.c): a value's RDB serialization with the RDB version and a CRC64, and the way
// back, with REPLACE, ABSTTL, IDLETIME and FREQ. The codec is CinnabarStorage's RDBValue: payloads use RDB's plain
// forms, which Redis loads, and Redis's own payloads (listpacks, intsets, compressed strings) load here.
// SPDX-License-Identifier: BSD-3-Clause
import CinnabarStorage

extension KeyspaceCommands {
    static func dumpSpecs() -> [CommandSpec] {
        [
            CommandSpec("dump", arity: 2, flags: [.readonly], keys: [.key(1, "RO ACCESS")], acl: ["@keyspace"],
                        group: "generic", since: "2.6.0", tips: ["nondeterministic_output"], handler: dump),
            CommandSpec("restore", arity: -4, flags: [.write, .denyOOM], keys: [.key(1, "OW UPDATE")],
                        acl: ["@keyspace", "@dangerous"], group: "generic", since: "2.6.0", handler: restore),
        ]
    }

    static func dump(_ c: CommandContext) throws(CommandError) {
        guard let v = c.db.get(c.args[1], options: c.readOptions) else { return c.null() }
        c.bulk(dumpPayload(v))
    }

    /// RESTORE key ttl serialized-value [REPLACE] [ABSTTL] [IDLETIME seconds] [FREQ frequency].
    static func restore(_ c: CommandContext) throws(CommandError) {
        let a = c.args
        var replace = false
        var absolute = false
        var idle: Int64 = -1
        var freq: Int64 = -1
        var j = 4
        while j < a.count {
            let more = a.count - j - 1
            if argEquals(a[j], "replace") {
                replace = true
            } else if argEquals(a[j], "absttl") {
                absolute = true
            } else if argEquals(a[j], "idletime") && more >= 1 && freq == -1 {
                guard let v = parseInt64(a[j + 1]) else { throw .notInteger }
                if v < 0 { throw .err("Invalid IDLETIME value, must be >= 0") }
                idle = v
                j += 1
            } else if argEquals(a[j], "freq") && more >= 1 && idle == -1 {
                guard let v = parseInt64(a[j + 1]) else { throw .notInteger }
                if v < 0 || v > 255 { throw .err("Invalid FREQ value, must be >= 0 and <= 255") }
                freq = v
                j += 1
            } else {
                throw .syntax
            }
            j += 1
        }
        let key = a[1]
        let db = c.db
        if !replace && db.find(key, options: [.noStats, .noTouch]) != nil {
            throw CommandError("BUSYKEY Target key name already exists.")
        }
        guard var ttl = parseInt64(a[2]) else { throw .notInteger }
        if ttl < 0 { throw .err("Invalid TTL value, must be >= 0") }
        guard verifyDumpPayload(a[3]) else { throw .err("DUMP payload version or checksum are wrong") }
        let config = c.server.config
        let limits = RDBLoadLimits(list: config.listLimits, set: config.setLimits, zset: config.zsetLimits,
                                   hash: config.hashLimits)
        let value: Value
        do {
            value = try loadDumpPayload(a[3], limits: limits)
        } catch {
            throw .err("Bad data format")
        }
        var deleted = false
        if replace { deleted = db.delete(key) }
        if ttl != 0 && !absolute { ttl = ttl &+ c.now }
        if ttl != 0 && ttl <= c.now {
            // Already expired: nothing is created (a replaced key is gone).
            if deleted {
                c.notify(.generic, "del", key)
                c.propagateAs([c.deletion(lazy: "lazyfree-lazy-server-del"), .original(1)])
            }
            return c.ok()
        }
        let index = db.add(key, value)
        if ttl != 0 { db.setExpire(key, at: ttl) }
        if ttl != 0 && !absolute {
            // Propagated with the absolute deadline and ABSTTL.
            c.propagateAs([.original(0), .original(1), .integer(ttl)] + (3..<a.count).map { .original($0) } + ["ABSTTL"])
        }
        let state = c.keyspace.state
        if state.usesLFU && freq >= 0 {
            db.keys.entry(index).pointee.lru = state.newStamp & ~0xFF | UInt32(freq)
        } else if !state.usesLFU && idle >= 0 {
            let clock = Int64(state.lruClock)
            db.keys.entry(index).pointee.lru = UInt32(truncatingIfNeeded: (clock - idle) & 0xFF_FFFF)
        }
        c.notify(.generic, "restore", key)
        c.ok()
    }
}
