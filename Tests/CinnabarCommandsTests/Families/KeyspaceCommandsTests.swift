// KeyspaceCommands: DEL/EXISTS/TYPE, RENAME, COPY, MOVE, KEYS/SCAN/RANDOMKEY, the EXPIRE and TTL families with a
// manual clock, PERSIST, OBJECT.
import CinnabarCommands
import Testing

@Suite("Keyspace commands")
struct KeyspaceCommandsTests {
    @Test("DEL and EXISTS count each argument, repeated keys included")
    func delExists() {
        let h = Harness()
        h.callRaw("MSET", "a", "1", "b", "2")
        #expect(h.callRaw("EXISTS", "a", "a", "b", "c") == int(3))
        #expect(h.callRaw("DEL", "a", "a", "c") == int(1))
        #expect(h.callRaw("UNLINK", "b") == int(1))
        #expect(h.callRaw("DBSIZE") == int(0))
    }

    @Test("TYPE of a string and of a missing key")
    func type() {
        let h = Harness()
        h.callRaw("SET", "a", "1")
        #expect(h.callRaw("TYPE", "a") == "+string\r\n")
        #expect(h.callRaw("TYPE", "b") == "+none\r\n")
    }

    @Test("RENAME moves the value and TTL; missing source is an error; RENAMENX refuses an existing target")
    func rename() {
        let h = Harness()
        #expect(h.callRaw("RENAME", "nope", "x") == err("ERR no such key"))
        h.callRaw("SET", "a", "1", "EX", "100")
        #expect(h.callRaw("RENAME", "a", "b") == ok)
        #expect(h.callRaw("GET", "b") == bulk("1"))
        #expect(h.callRaw("TTL", "b") == int(100))
        #expect(h.callRaw("EXISTS", "a") == int(0))
        h.callRaw("SET", "c", "2")
        #expect(h.callRaw("RENAMENX", "b", "c") == int(0))
        #expect(h.callRaw("RENAMENX", "b", "d") == int(1))
        #expect(h.callRaw("RENAME", "d", "d") == ok)
        #expect(h.callRaw("RENAMENX", "d", "d") == int(0))
    }

    @Test("COPY with DB and REPLACE; same key is an error")
    func copy() {
        let h = Harness()
        h.callRaw("SET", "a", "1")
        #expect(h.callRaw("COPY", "a", "a") == err("ERR source and destination objects are the same"))
        #expect(h.callRaw("COPY", "a", "b") == int(1))
        #expect(h.callRaw("COPY", "a", "b") == int(0))
        h.callRaw("SET", "a", "2")
        #expect(h.callRaw("COPY", "a", "b", "REPLACE") == int(1))
        #expect(h.callRaw("GET", "b") == bulk("2"))
        #expect(h.callRaw("COPY", "a", "a", "DB", "3") == int(1))
        #expect(h.callRaw("COPY", "a", "z", "DB", "99") == err("ERR DB index is out of range"))
        #expect(h.callRaw("SELECT", "3") == ok)
        #expect(h.callRaw("GET", "a") == bulk("2"))
    }

    @Test("MOVE to another database, never over an existing key")
    func move() {
        let h = Harness()
        h.callRaw("SET", "a", "1")
        #expect(h.callRaw("MOVE", "a", "0") == err("ERR source and destination objects are the same"))
        #expect(h.callRaw("MOVE", "a", "1") == int(1))
        #expect(h.callRaw("MOVE", "a", "1") == int(0))
        #expect(h.callRaw("MOVE", "a", "16") == err("ERR DB index is out of range"))
        h.callRaw("SELECT", "1")
        #expect(h.callRaw("GET", "a") == bulk("1"))
    }

    @Test("KEYS matches glob patterns and skips expired keys")
    func keys() {
        let h = Harness()
        h.callRaw("MSET", "foo", "1", "foobar", "2", "bar", "3")
        h.callRaw("SET", "fox", "4", "PX", "10")
        let all = h.callRaw("KEYS", "fo*")
        #expect(all.hasPrefix("*3\r\n") && all.contains(bulk("foo")) && all.contains(bulk("foobar")))
        h.advance(milliseconds: 20)
        #expect(h.callRaw("KEYS", "fo?") == array(bulk("foo")))
        #expect(h.callRaw("KEYS", "[b]a[^x]") == array(bulk("bar")))
    }

    @Test("SCAN returns every key exactly across a full iteration; MATCH, COUNT and TYPE filter")
    func scan() {
        let h = Harness()
        for i in 0..<500 { h.callRaw("SET", "key:\(i)", "v") }
        var cursor = "0"
        var seen = Set<String>()
        repeat {
            let reply = h.callRaw("SCAN", cursor, "COUNT", "37")
            let lines = reply.split(separator: "\r\n", omittingEmptySubsequences: false).map(String.init)
            cursor = lines[2]
            var i = 4
            while i + 1 < lines.count {
                if lines[i].hasPrefix("$") { seen.insert(lines[i + 1]); i += 2 } else { i += 1 }
            }
        } while cursor != "0"
        #expect(seen.count == 500)
        #expect(h.callRaw("SCAN", "0", "COUNT", "0") == err("ERR syntax error"))
        #expect(h.callRaw("SCAN", "abc") == err("ERR invalid cursor"))
        // A huge COUNT must not overflow the bucket budget (it crashed the server once).
        #expect(h.callRaw("SCAN", "0", "COUNT", "9223372036854775807").hasPrefix("*2\r\n$1\r\n0\r\n*500\r\n"))
        #expect(h.callRaw("SCAN", "0", "TYPE", "hash", "COUNT", "1000") == array(bulk("0"), array()))
        #expect(h.callRaw("SCAN", "0", "MATCH", "key:42", "COUNT", "1000") == array(bulk("0"), array(bulk("key:42"))))
    }

    @Test("RANDOMKEY: nil when empty, a key otherwise, never an expired key")
    func randomkey() {
        let h = Harness()
        #expect(h.callRaw("RANDOMKEY") == nullBulk)
        h.callRaw("SET", "gone", "1", "PX", "5")
        h.callRaw("SET", "live", "1")
        h.advance(milliseconds: 10)
        for _ in 0..<20 { #expect(h.callRaw("RANDOMKEY") == bulk("live")) }
    }

    @Test("EXPIRE NX/XX/GT/LT rules and their incompatibility errors")
    func expireFlags() {
        let h = Harness()
        h.callRaw("SET", "k", "v")
        #expect(h.callRaw("EXPIRE", "k", "100", "XX") == int(0))
        #expect(h.callRaw("EXPIRE", "k", "100", "GT") == int(0))
        #expect(h.callRaw("EXPIRE", "k", "100", "NX") == int(1))
        #expect(h.callRaw("EXPIRE", "k", "200", "NX") == int(0))
        #expect(h.callRaw("EXPIRE", "k", "50", "GT") == int(0))
        #expect(h.callRaw("EXPIRE", "k", "200", "GT") == int(1))
        #expect(h.callRaw("EXPIRE", "k", "300", "LT") == int(0))
        #expect(h.callRaw("EXPIRE", "k", "20", "LT") == int(1))
        #expect(h.callRaw("TTL", "k") == int(20))
        #expect(h.callRaw("EXPIRE", "k", "1", "NX", "XX")
            == err("ERR NX and XX, GT or LT options at the same time are not compatible"))
        #expect(h.callRaw("EXPIRE", "k", "1", "GT", "LT") == err("ERR GT and LT options at the same time are not compatible"))
        #expect(h.callRaw("EXPIRE", "k", "1", "FOO") == err("ERR Unsupported option FOO"))
        #expect(h.callRaw("EXPIRE", "missing", "10") == int(0))
    }

    @Test("A TTL in the past deletes the key at once; huge values are invalid expire times")
    func expireEdges() {
        let h = Harness()
        h.callRaw("SET", "k", "v")
        #expect(h.callRaw("EXPIRE", "k", "-1") == int(1))
        #expect(h.callRaw("EXISTS", "k") == int(0))
        h.callRaw("SET", "k", "v")
        #expect(h.callRaw("EXPIRE", "k", "9223372036854775807") == err("ERR invalid expire time in 'expire' command"))
        #expect(h.callRaw("PEXPIREAT", "k", "9223372036854775807") == int(1))
    }

    @Test("TTL rounds to the nearest second; PTTL, EXPIRETIME, PEXPIRETIME; -1 and -2")
    func ttlFamily() {
        let h = Harness()
        h.callRaw("SET", "k", "v", "PX", "1700")
        #expect(h.callRaw("TTL", "k") == int(2))
        #expect(h.callRaw("PTTL", "k") == int(1700))
        #expect(h.callRaw("PEXPIRETIME", "k") == int(1_700_000_001_700))
        #expect(h.callRaw("EXPIRETIME", "k") == int(1_700_000_002))
        h.callRaw("SET", "p", "v")
        #expect(h.callRaw("TTL", "p") == int(-1))
        #expect(h.callRaw("EXPIRETIME", "p") == int(-1))
        #expect(h.callRaw("TTL", "nope") == int(-2))
        #expect(h.callRaw("PEXPIRETIME", "nope") == int(-2))
    }

    @Test("Keys expire lazily on access once the clock is past the deadline, and count in expired_keys")
    func lazyExpiry() {
        let h = Harness()
        h.callRaw("SET", "k", "v", "PX", "100")
        h.advance(milliseconds: 100)
        #expect(h.callRaw("GET", "k") == bulk("v"))  // alive during its deadline millisecond (Redis: now > when)
        h.advance(milliseconds: 1)
        #expect(h.callRaw("GET", "k") == nullBulk)
        #expect(h.server.keyspace.stats.expiredKeys == 1)
        #expect(h.callRaw("DBSIZE") == int(0))
    }

    @Test("PERSIST removes a TTL and reports whether there was one")
    func persist() {
        let h = Harness()
        h.callRaw("SET", "k", "v", "EX", "10")
        #expect(h.callRaw("PERSIST", "k") == int(1))
        #expect(h.callRaw("PERSIST", "k") == int(0))
        #expect(h.callRaw("PERSIST", "nope") == int(0))
        #expect(h.callRaw("TTL", "k") == int(-1))
    }

    @Test("OBJECT FREQ needs an LFU policy; IDLETIME tracks the clock; REFCOUNT of shared integers")
    func object() throws {
        let h = Harness()
        h.callRaw("SET", "k", "hello")
        #expect(h.callRaw("OBJECT", "FREQ", "k").hasPrefix("-ERR An LFU maxmemory policy is not selected"))
        h.advance(milliseconds: 5_000)
        #expect(h.callRaw("OBJECT", "IDLETIME", "k") == int(5))
        #expect(h.callRaw("OBJECT", "ENCODING", "nope") == nullBulk)
        h.callRaw("SET", "n", "100")
        #expect(h.callRaw("OBJECT", "REFCOUNT", "n") == int(2147483647))
        #expect(h.callRaw("OBJECT", "REFCOUNT", "k") == int(1))
        #expect(h.callRaw("CONFIG", "SET", "maxmemory-policy", "allkeys-lfu") == ok)
        h.callRaw("SET", "f", "x")
        #expect(h.callRaw("OBJECT", "FREQ", "f") == int(5))
        #expect(h.callRaw("OBJECT", "IDLETIME", "f").hasPrefix("-ERR An LFU maxmemory policy is selected"))
        #expect(h.callRaw("OBJECT", "FOO", "f") == err("ERR unknown subcommand 'FOO'. Try OBJECT HELP."))
    }
}

@Suite("DUMP and RESTORE")
struct DumpRestoreTests {
    @Test("DUMP/RESTORE round-trips every type; a payload from Redis 7.2.6 loads; errors are Redis's")
    func roundTrip() {
        let h = Harness()
        h.callRaw("RPUSH", "l", "a", "1", "-5")
        h.callRaw("SADD", "s", "1", "2")
        h.callRaw("ZADD", "z", "1.5", "a", "-2", "b")
        h.callRaw("HSET", "h", "f", "v")
        h.callRaw("SET", "str", "hello")
        for key in ["l", "s", "z", "h", "str"] {
            let before = h.callRaw("DEBUG", "DIGEST-VALUE", key)
            let payload = h.callBytes([Array("DUMP".utf8), Array(key.utf8)])
            // Strip the bulk header to get the payload bytes.
            let header = payload.firstIndex(of: 10)! + 1
            let body = Array(payload[header..<(payload.count - 2)])
            #expect(h.callBytes([Array("RESTORE".utf8), Array("copy".utf8), Array("0".utf8), body]) == Array("+OK\r\n".utf8))
            #expect(h.callRaw("DEBUG", "DIGEST-VALUE", "copy") == before, "\(key)")
            #expect(h.callBytes([Array("RESTORE".utf8), Array("copy".utf8), Array("0".utf8), body]) ==
                Array("-BUSYKEY Target key name already exists.\r\n".utf8))
            h.callRaw("DEL", "copy")
        }
        // DUMP of the list `a b 1` as redis-server 7.2.6 answers it (a quicklist 2 with one listpack node, RDB 11).
        let full: [UInt8] = [
            0x12, 0x01, 0x02, 0x0f, 0x0f, 0x00, 0x00, 0x00, 0x03, 0x00, 0x81, 0x61, 0x02, 0x81, 0x62, 0x02, 0x01, 0x01,
            0xff, 0x0b, 0x00, 0x89, 0xc4, 0x16, 0x39, 0xba, 0x51, 0xb0, 0xab,
        ]
        #expect(h.callBytes([Array("RESTORE".utf8), Array("r".utf8), Array("0".utf8), full]) == Array("+OK\r\n".utf8))
        #expect(h.callRaw("LRANGE", "r", "0", "-1") == array(bulk("a"), bulk("b"), bulk("1")))
        #expect(h.callRaw("OBJECT", "ENCODING", "r") == bulk("listpack"))
        #expect(h.callRaw("RESTORE", "x", "0", "not-a-payload") == err("ERR DUMP payload version or checksum are wrong"))
        #expect(h.callRaw("RESTORE", "x", "-1", "p") == err("ERR Invalid TTL value, must be >= 0"))
        #expect(h.callRaw("RESTORE", "x", "0", "p", "FREQ", "300") == err("ERR Invalid FREQ value, must be >= 0 and <= 255"))
        #expect(h.callRaw("RESTORE", "x", "0", "p", "BOGUS") == err("ERR syntax error"))
        #expect(h.callRaw("DUMP", "missing") == "$-1\r\n")
    }
}
