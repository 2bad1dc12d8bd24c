// DEBUG, guarded by enable-debug-command as in Redis 7: SLEEP, SET-ACTIVE-EXPIRE, OBJECT, POPULATE, DIGEST,
// DIGEST-VALUE, CHANGE-REPL-ID, LOG, and the switches the Redis test suite flips. Unknown subcommands get
// Redis's error.
// SPDX-License-Identifier: BSD-3-Clause
import CinnabarStorage
#if canImport(Glibc)
import Glibc
#endif

enum DebugCommands {
    static let specs: [CommandSpec] = [
        CommandSpec("debug", arity: -2, flags: [.admin, .noScript, .loading, .stale], group: "server",
                    summary: "A container for debugging commands.", handler: debug),
    ]

    static func debug(_ c: CommandContext) throws(CommandError) {
        let mode = c.server.config.enableDebugCommand
        let local = c.client.address.hasPrefix("127.") || c.client.address.hasPrefix("[::1]") || c.client.fd < 0
            || c.client.address.hasPrefix("::1")
        if mode == "no" || (mode == "local" && !local) {
            c.spec.rejectedCalls += 1
            throw .err("DEBUG command not allowed. If the enable-debug-command option is set to \"local\", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.")
        }
        let sub = c.args.string(1).lowercased()
        let n = c.args.count
        switch sub {
        case "sleep" where n == 3:
            guard let seconds = parseDouble(c.args[2]) else { throw .notFloat }
            if seconds > 0 { usleep(UInt32(min(seconds * 1_000_000, Double(UInt32.max)))) }
            c.ok()
        case "set-active-expire" where n == 3:
            c.server.activeExpireEnabled = try c.int(2) != 0
            c.ok()
        case "object" where n == 3:
            guard let index = c.db.find(c.args[2], options: [.noTouch, .noStats]) else { throw .noSuchKey }
            let e = c.db.keys.entry(index).pointee
            let v = e.value.value
            let serialized = v.isString ? v.stringLength : 0
            let lru = c.keyspace.idleMilliseconds(lru: e.value.lru) / 1000
            c.simple("Value at:0x0 refcount:1 encoding:\(v.encodingName) serializedlength:\(serialized) lru:\(e.value.lru) lru_seconds_idle:\(lru)")
        case "populate" where n >= 3 && n <= 5:
            try populate(c)
        case "digest" where n == 2:
            c.bulk(digestHex(c.server.keyspaceDigest()))
        case "digest-value" where n >= 2:
            c.array(n - 2)
            for i in 2..<n {
                var d = [UInt8](repeating: 0, count: 20)
                if let v = c.db.get(c.args[i], options: [.noTouch, .noStats]) { d = valueDigest(v) }
                c.bulk(digestHex(d))
            }
        case "change-repl-id" where n == 2:
            c.server.replicationID = Server.randomHex(40)
            c.ok()
        case "log" where n == 3:
            c.server.logger.warning("DEBUG LOG: \(c.args.string(2))")
            c.ok()
        case "quicklist-packed-threshold", "set-disable-deny-scripts", "pause-cron", "replybuffer",
            "stringmatch-len", "set-skip-checksum-validation", "dict-resizing", "listpack", "quicklist":
            c.ok()
        case "jmap", "reload", "loadaof":
            throw .err("DEBUG \(sub.uppercased()) is not supported until persistence exists")
        case "help":
            c.help("DEBUG", [
                "CHANGE-REPL-ID", "    Change the replication IDs of the instance.",
                "DIGEST", "    Output a hex signature representing the current DB content.",
                "DIGEST-VALUE <key> [<key> ...]", "    Output a hex signature of the values of all the specified keys.",
                "LOG <message>", "    Write <message> to the server log.",
                "OBJECT <key>", "    Show low level info about the <key> and associated value.",
                "POPULATE <count> [<prefix>] [<size>]",
                "    Create <count> string keys named key:<num>. If <prefix> is specified then",
                "    it is used instead of the 'key' prefix. These are not propagated to",
                "    replicas. Cluster slots are not respected so keys not belonging to the",
                "    current node can be created in cluster mode.",
                "SET-ACTIVE-EXPIRE <0|1>",
                "    Setting it to 0 disables expiring keys in background when they are not",
                "    accessed (otherwise the Redis behavior). Setting it to 1 reenables back the",
                "    default.",
                "SLEEP <seconds>", "    Stop the server for <seconds>. Decimals allowed.",
            ])
        default:
            throw .err("unknown subcommand or wrong number of arguments for '\(c.args.string(1))'. Try DEBUG HELP.")
        }
    }

    /// DEBUG POPULATE count [prefix] [size]: keys `prefix:N` with values `value:N`, padded with zeros to `size`.
    static func populate(_ c: CommandContext) throws(CommandError) {
        let count = try c.int(2)
        guard count >= 0 else { throw .mustBePositive }
        let prefix = c.args.count >= 4 ? Array(c.args[3]) : Array("key".utf8)
        var size = -1
        if c.args.count == 5 {
            size = try c.int(4)
            guard size >= 0 else { throw .mustBePositive }
        }
        let db = c.db
        var key = [UInt8]()
        var value = [UInt8]()
        for i in 0..<count {
            key.removeAll(keepingCapacity: true)
            key.append(contentsOf: prefix)
            key.append(UInt8(ascii: ":"))
            key.append(contentsOf: String(i).utf8)
            let exists = key.withUnsafeBytes { db.find($0, options: [.noStats, .noTouch]) != nil }
            if exists { continue }
            value.removeAll(keepingCapacity: true)
            value.append(contentsOf: "value:\(i)".utf8)
            if size >= 0 {
                if value.count > size { value.removeLast(value.count - size) }
                while value.count < size { value.append(0) }
            }
            key.withUnsafeBytes { k in
                value.withUnsafeBytes { v in _ = db.add(k, Value(string: v)) }
            }
        }
        c.ok()
    }

    static func digestHex(_ d: [UInt8]) -> String {
        let hex = Array("0123456789abcdef")
        return String(d.flatMap { [hex[Int($0 >> 4)], hex[Int($0 & 15)]] })
    }

    /// A 20-byte digest of one value (type and contents).
    static func valueDigest(_ v: Value) -> [UInt8] {
        var h1: UInt64 = 0x6A09_E667_F3BC_C908 ^ UInt64(v.type.rawValue)
        var h2: UInt64 = 0xBB67_AE85_84CA_A73B
        if v.isString {
            v.withStringBytes { b in
                h1 = hashBytes(b, seed: h1)
                h2 = hashBytes(b, seed: h2 ^ 0x5555)
            }
        }
        var out = [UInt8]()
        for w in [h1, h2, h1 ^ h2] { withUnsafeBytes(of: w.bigEndian) { out.append(contentsOf: $0) } }
        return Array(out.prefix(20))
    }
}

extension Server {
    /// DEBUG DIGEST: an order-independent digest of every key, value and TTL; all zeros when empty.
    func keyspaceDigest() -> [UInt8] {
        var acc = [UInt8](repeating: 0, count: 20)
        var any = false
        for db in keyspace.databases {
            for i in 0..<db.keys.count {
                let e = db.keys.entry(i).pointee
                any = true
                var d = DebugCommands.valueDigest(e.value.value)
                let kh = e.key.withUnsafeBytes { hashBytes($0, seed: UInt64(db.id)) }
                let ttl = e.key.withUnsafeBytes { db.expireTime($0) } ?? -1
                withUnsafeBytes(of: (kh ^ UInt64(bitPattern: ttl)).bigEndian) { b in
                    for j in 0..<8 { d[j] ^= b[j] }
                }
                for j in 0..<20 { acc[j] ^= d[j] }
            }
        }
        return any ? acc : [UInt8](repeating: 0, count: 20)
    }
}
