// DEBUG, guarded by enable-debug-command as in Redis 7: SLEEP, SET-ACTIVE-EXPIRE, OBJECT, POPULATE, DIGEST,
// DIGEST-VALUE, CHANGE-REPL-ID, LOG, and the switches the Redis test suite flips. Unknown subcommands get
// Redis's error.
// SPDX-License-Identifier: BSD-3-Clause
import CinnabarStorage
#if canImport(Glibc)
import Glibc
#endif

enum DebugCommands {
    /// The family's command specs; each server builds its own (they carry its command statistics).
    static func makeSpecs() -> [CommandSpec] {
        [
        CommandSpec("debug", arity: -2, flags: [.admin, .noScript, .loading, .stale], group: "server",
                    summary: "A container for debugging commands.", handler: debug),
    ]
    }

    static func debug(_ c: CommandContext) throws(CommandError) {
        // DEBUG RELOAD, LOADAOF, POPULATE... restore or fabricate state: nothing to propagate.
        c.preventPropagation()
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
            // The raw table, as Redis's dictFind: a logically expired key is still there until something expires it.
            guard let index = c.db.keys.find(c.args[2], hash: keyHash(c.args[2])) else { throw .noSuchKey }
            let e = c.db.keys.entry(index).pointee
            let v = e.value
            let serialized = serializedLength(v)
            let lru = c.keyspace.idleMilliseconds(lru: e.lru) / 1000
            c.status("Value at:0x0 refcount:1 encoding:\(v.encodingName) serializedlength:\(serialized) lru:\(e.lru) lru_seconds_idle:\(lru)")
        case "populate" where n >= 3 && n <= 5:
            try populate(c)
        case "digest" where n == 2:
            c.status(SHA1.hex(c.keyspace.datasetDigest()))
        case "digest-value" where n >= 2:
            c.array(n - 2)
            for i in 2..<n {
                var d = [UInt8](repeating: 0, count: 20)
                // Like Redis, logically expired keys still have a digest here.
                if let index = c.db.keys.find(c.args[i], hash: keyHash(c.args[i])) {
                    d = c.db.valueDigest(c.args[i], c.db.keys.entry(index).pointee.value)
                }
                c.status(SHA1.hex(d))
            }
        case "protocol" where n == 3:
            try debugProtocol(c)
        case "change-repl-id" where n == 2:
            c.server.replicationID = Server.randomHex(40)
            c.ok()
        case "log" where n == 3:
            c.server.logger.warning("DEBUG LOG: \(c.args.string(2))")
            c.ok()
        case "set-disable-deny-scripts" where n == 3:
            c.server.scriptDenyDisabled = (parseInt64(c.args[2]) ?? 0) != 0
            c.ok()
        case "quicklist-packed-threshold", "pause-cron", "replybuffer",
            "stringmatch-len", "set-skip-checksum-validation", "dict-resizing", "listpack", "quicklist":
            c.ok()
        case "reload":
            var (save, flush, merge) = (true, true, false)
            for i in 2..<max(2, n) {
                if argEquals(c.args[i], "MERGE") { merge = true }
                else if argEquals(c.args[i], "NOFLUSH") { flush = false }
                else if argEquals(c.args[i], "NOSAVE") { save = false }
                else { throw .err("DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.") }
            }
            try c.server.debugReload(save: save, flush: flush, merge: merge)
            c.ok()
        case "loadaof":
            try c.server.debugLoadAOF()
            c.ok()
        case "jmap":
            throw .err("DEBUG \(sub.uppercased()) is not supported")
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

    /// DEBUG PROTOCOL <type>: one reply of each RESP type, for client-library tests.
    static func debugProtocol(_ c: CommandContext) throws(CommandError) {
        let out = { (s: String) in c.client.out.writeString(s) }
        switch c.args.string(2).lowercased() {
        case "string": c.bulk("Hello World")
        case "integer": c.integer(12345)
        case "double": c.double(3.141)
        case "bignum":
            if c.resp3 { out("(1234567999999999999999999999999999999\r\n") } else { c.bulk("1234567999999999999999999999999999999") }
        case "null": c.null()
        case "array":
            c.array(3)
            for j in 0..<3 { c.integer(j) }
        case "set":
            c.set(3)
            for j in 0..<3 { c.integer(j) }
        case "map":
            c.map(3)
            for j in 0..<3 {
                c.integer(j)
                c.bool(j == 1)
            }
        case "attrib":
            if c.resp3 {
                out("|1\r\n")
                c.bulk("key-popularity")
                c.array(2)
                c.bulk("key:123")
                c.integer(90)
            }
            c.bulk("Some real reply following the attribute")
        case "push":
            guard c.resp3 else { throw .err("RESP2 is not supported by this command") }
            // Redis 7.2 delivers the push after the reply it was generated during.
            c.bulk("Some real reply following the push reply")
            out(">2\r\n")
            c.bulk("server-cpu-usage")
            c.integer(42)
        case "true": c.bool(true)
        case "false": c.bool(false)
        case "verbatim": c.verbatim("This is a verbatim\nstring")
        default:
            throw .err("Wrong protocol type name. Please use one of the following: string|integer|double|bignum|null|array|set|map|attrib|push|verbatim|true|false")
        }
    }

    /// The length of a string value as RDB would serialize it (DEBUG OBJECT serializedlength): integers that fit
    /// 32 bits use the compact int encodings, other strings a length prefix plus the bytes.
    static func serializedLength(_ v: Value) -> Int {
        guard v.isString else { return 0 }
        let integer = v.integer ?? v.withStringBytes { $0.count <= 11 ? parseInt64($0) : nil }
        if let n = integer {
            if n >= -(1 << 7) && n < (1 << 7) { return 2 }
            if n >= -(1 << 15) && n < (1 << 15) { return 3 }
            if n >= -(1 << 31) && n < (1 << 31) { return 5 }
        }
        func lengthSize(_ n: Int) -> Int { n < 64 ? 1 : (n < 16384 ? 2 : (n <= Int(UInt32.max) ? 5 : 9)) }
        let len = v.stringLength
        // Strings over 20 bytes are LZF-compressed when that saves space (rdbcompression yes).
        if len > 20, let compressed = v.withStringBytes({ lzfCompress($0) }), compressed.count < len {
            return 1 + lengthSize(compressed.count) + lengthSize(len) + compressed.count
        }
        return lengthSize(len) + len
    }

    /// DEBUG POPULATE count [prefix] [size]: keys `prefix:N` with values `value:N`, padded with zeros to `size`.
    static func populate(_ c: CommandContext) throws(CommandError) {
        guard let count = parseInt64(c.args[2]).map(Int.init), count >= 0 else { throw .mustBePositive }
        let prefix = c.args.count >= 4 ? Array(c.args[3]) : Array("key".utf8)
        var size = -1
        if c.args.count == 5 {
            guard let s = parseInt64(c.args[4]).map(Int.init), s >= 0 else { throw .mustBePositive }
            size = s
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
}
