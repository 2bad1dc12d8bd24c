// Hash-field expiration (Redis 7.4): HEXPIRE/HPEXPIRE/HEXPIREAT/HPEXPIREAT replies, conditions and errors,
// HTTL/HPTTL/HEXPIRETIME/HPEXPIRETIME, HPERSIST, lazy expiry seen by every hash command, active expiry from the
// cycle, TTLs cleared by HSET and kept by HINCRBY, encodings, and the type-generic commands on such hashes. Time is
// the harness's manual clock (1_700_000_000_000 ms at the start).
import CinnabarCommands
import CinnabarStorage
import Testing

private let t0: Int64 = 1_700_000_000_000

private func ints(_ values: Int...) -> String { "*\(values.count)\r\n" + values.map { int($0) }.joined() }

/// Both encodings: the default listpack limits and a hash that is a hashtable from its first field.
private let encodings: [(name: String, entries: String)] = [("listpackex", "512"), ("hashtable", "0")]

private func harness(_ entries: String) -> Harness {
    Harness { try! $0.set("hash-max-listpack-entries", [entries], startup: true) }
}

@Suite("Hash field expiration")
struct HashFieldExpireTests {
    @Test("HEXPIRE family on a missing key replies -2 per field",
          arguments: ["HEXPIRE", "HPEXPIRE", "HEXPIREAT", "HPEXPIREAT"])
    func missingKey(command: String) {
        let h = Harness()
        #expect(h.callRaw(command, "nokey", "1000", "FIELDS", "2", "a", "b") == ints(-2, -2))
        #expect(h.callRaw(command, "nokey", "1000", "NX", "FIELDS", "1", "a") == ints(-2))
        #expect(h.callRaw("EXISTS", "nokey") == int(0))
    }

    @Test("HEXPIRE sets deadlines; HTTL, HPTTL, HEXPIRETIME and HPEXPIRETIME read them", arguments: encodings)
    func setAndRead(encoding: (name: String, entries: String)) {
        let h = harness(encoding.entries)
        h.callRaw("HSET", "h", "a", "1", "b", "2", "c", "3")
        #expect(h.callRaw("HEXPIRE", "h", "100", "FIELDS", "3", "a", "nope", "a") == ints(1, -2, 1))
        #expect(h.callRaw("HPEXPIRE", "h", "1500", "FIELDS", "1", "b") == ints(1))
        #expect(h.callRaw("OBJECT", "ENCODING", "h") == bulk(encoding.name))
        #expect(h.callRaw("HTTL", "h", "FIELDS", "4", "a", "b", "c", "x") == ints(100, 2, -1, -2))
        #expect(h.callRaw("HPTTL", "h", "FIELDS", "3", "a", "b", "c") == ints(100_000, 1500, -1))
        #expect(h.callRaw("HEXPIRETIME", "h", "FIELDS", "2", "a", "b") == ints(1_700_000_100, 1_700_000_002))
        #expect(h.callRaw("HPEXPIRETIME", "h", "FIELDS", "2", "a", "c") == ints(Int(t0) + 100_000, -1))
        #expect(h.callRaw("HTTL", "missing", "FIELDS", "2", "a", "b") == ints(-2, -2))
        // Seconds round up: 1 ms left is 1 second.
        h.advance(milliseconds: 1499)
        #expect(h.callRaw("HTTL", "h", "FIELDS", "1", "b") == ints(1))
        #expect(h.callRaw("HPTTL", "h", "FIELDS", "1", "b") == ints(1))
    }

    @Test("HEXPIREAT and HPEXPIREAT take Unix times")
    func absolute() {
        let h = Harness()
        h.callRaw("HSET", "h", "a", "1", "b", "2")
        #expect(h.callRaw("HEXPIREAT", "h", "1700000050", "FIELDS", "1", "a") == ints(1))
        #expect(h.callRaw("HPEXPIREAT", "h", "1700000000777", "FIELDS", "1", "b") == ints(1))
        #expect(h.callRaw("HPEXPIRETIME", "h", "FIELDS", "2", "a", "b") == ints(1_700_000_050_000, 1_700_000_000_777))
        #expect(h.callRaw("HPTTL", "h", "FIELDS", "1", "b") == ints(777))
    }

    @Test("NX, XX, GT and LT; a field without a deadline fails XX and GT and passes LT", arguments: encodings)
    func conditions(encoding: (name: String, entries: String)) {
        let h = harness(encoding.entries)
        h.callRaw("HSET", "h", "a", "1", "b", "2", "c", "3")
        #expect(h.callRaw("HPEXPIRE", "h", "1000", "NX", "FIELDS", "1", "a") == ints(1))
        #expect(h.callRaw("HPEXPIRE", "h", "1000", "nx", "FIELDS", "2", "a", "b") == ints(0, 1))
        #expect(h.callRaw("HPEXPIRE", "h", "5000", "XX", "FIELDS", "2", "a", "c") == ints(1, 0))
        #expect(h.callRaw("HPEXPIRE", "h", "4000", "GT", "FIELDS", "3", "a", "b", "c") == ints(0, 1, 0))
        #expect(h.callRaw("HPEXPIRE", "h", "5000", "GT", "FIELDS", "1", "a") == ints(0))
        #expect(h.callRaw("HPEXPIRE", "h", "3000", "LT", "FIELDS", "3", "a", "b", "c") == ints(1, 1, 1))
        #expect(h.callRaw("HPEXPIRE", "h", "3000", "LT", "FIELDS", "1", "a") == ints(0))
        #expect(h.callRaw("HPTTL", "h", "FIELDS", "3", "a", "b", "c") == ints(3000, 3000, 3000))
    }

    @Test("A deadline now or in the past deletes the field (2); the last one deletes the key", arguments: encodings)
    func pastDeadline(encoding: (name: String, entries: String)) {
        let h = harness(encoding.entries)
        h.callRaw("HSET", "h", "a", "1", "b", "2")
        #expect(h.callRaw("HEXPIRE", "h", "0", "FIELDS", "2", "a", "a") == ints(2, -2))
        #expect(h.callRaw("HGETALL", "h") == array(bulk("b"), bulk("2")))
        // A condition that fails keeps the field even with a past time.
        #expect(h.callRaw("HPEXPIRE", "h", "10", "FIELDS", "1", "b") == ints(1))
        #expect(h.callRaw("HPEXPIREAT", "h", "1000", "GT", "FIELDS", "1", "b") == ints(0))
        #expect(h.callRaw("HPEXPIREAT", "h", String(t0), "FIELDS", "1", "b") == ints(2))
        #expect(h.callRaw("EXISTS", "h") == int(0))
    }

    @Test("Argument errors carry Redis 7.4's texts, after WRONGTYPE")
    func errors() {
        let h = Harness()
        h.callRaw("HSET", "h", "a", "1")
        h.callRaw("SET", "s", "x")
        #expect(h.callRaw("HEXPIRE", "s", "10", "FIELDS", "1", "a")
            == err("WRONGTYPE Operation against a key holding the wrong kind of value"))
        #expect(h.callRaw("HTTL", "s", "FIELDS", "1", "a")
            == err("WRONGTYPE Operation against a key holding the wrong kind of value"))
        #expect(h.callRaw("HPERSIST", "s", "FIELDS", "1", "a")
            == err("WRONGTYPE Operation against a key holding the wrong kind of value"))
        #expect(h.callRaw("HEXPIRE", "h", "ten", "FIELDS", "1", "a")
            == err("ERR value is not an integer or out of range"))
        #expect(h.callRaw("HEXPIRE", "h", "-1", "FIELDS", "1", "a") == err("ERR invalid expire time, must be >= 0"))
        #expect(h.callRaw("HEXPIRE", "h", String((1 << 48) / 1000), "FIELDS", "1", "a")
            == err("ERR invalid expire time in 'hexpire' command"))
        #expect(h.callRaw("HPEXPIRE", "h", String(1 << 48), "FIELDS", "1", "a")
            == err("ERR invalid expire time in 'hpexpire' command"))
        #expect(h.callRaw("HPEXPIREAT", "h", String(1 << 46), "FIELDS", "1", "a")
            == err("ERR invalid expire time in 'hpexpireat' command"))
        #expect(h.callRaw("HEXPIREAT", "h", String((1 << 46) / 1000 + 1), "FIELDS", "1", "a")
            == err("ERR invalid expire time in 'hexpireat' command"))
        #expect(h.callRaw("HPEXPIREAT", "h", String((1 << 46) - 1), "FIELDS", "1", "a") == ints(1))
        #expect(h.callRaw("HEXPIRE", "h", "10", "XY", "FIELDS", "1", "a")
            == err("ERR Mandatory argument FIELDS is missing or not at the right position"))
        #expect(h.callRaw("HEXPIRE", "h", "10", "NX", "a", "1", "a")
            == err("ERR Mandatory argument FIELDS is missing or not at the right position"))
        #expect(h.callRaw("HEXPIRE", "h", "10", "FIELDS", "0", "a")
            == err("ERR Parameter `numFields` should be greater than 0"))
        #expect(h.callRaw("HEXPIRE", "h", "10", "FIELDS", "x", "a")
            == err("ERR Parameter `numFields` should be greater than 0"))
        #expect(h.callRaw("HEXPIRE", "h", "10", "FIELDS", "2", "a")
            == err("ERR The `numfields` parameter must match the number of arguments"))
        #expect(h.callRaw("HEXPIRE", "h", "10", "NX", "FIELDS", "1")
            == err("ERR The `numfields` parameter must match the number of arguments"))
        #expect(h.callRaw("HTTL", "h", "FIELDS", "-1", "a") == err("ERR Number of fields must be a positive integer"))
        #expect(h.callRaw("HTTL", "h", "FIELDZ", "1", "a")
            == err("ERR Mandatory argument FIELDS is missing or not at the right position"))
        #expect(h.callRaw("HPEXPIRETIME", "h", "FIELDS", "1", "a", "b")
            == err("ERR The `numfields` parameter must match the number of arguments"))
        #expect(h.callRaw("HPERSIST", "h", "FIELDS", "0", "a")
            == err("ERR Number of fields must be a positive integer"))
        #expect(h.callRaw("HEXPIRE", "h", "10", "FIELDS", "1")
            == err("ERR wrong number of arguments for 'hexpire' command"))
        #expect(h.callRaw("HTTL", "h", "FIELDS", "1") == err("ERR wrong number of arguments for 'httl' command"))
    }

    @Test("HPERSIST: -2 no field, -1 no deadline, 1 removed", arguments: encodings)
    func hpersist(encoding: (name: String, entries: String)) {
        let h = harness(encoding.entries)
        h.callRaw("HSET", "h", "a", "1", "b", "2")
        h.callRaw("HEXPIRE", "h", "100", "FIELDS", "1", "a")
        #expect(h.callRaw("HPERSIST", "h", "FIELDS", "4", "a", "b", "x", "a") == ints(1, -1, -2, -1))
        #expect(h.callRaw("HTTL", "h", "FIELDS", "1", "a") == ints(-1))
        #expect(h.callRaw("HPERSIST", "missing", "FIELDS", "1", "a") == ints(-2))
        // Without deadlines the hash is a plain listpack again.
        #expect(h.callRaw("OBJECT", "ENCODING", "h") == bulk(encoding.name == "listpackex" ? "listpack" : "hashtable"))
        h.advance(milliseconds: 200_000)
        #expect(h.callRaw("HLEN", "h") == int(2))
    }

    @Test("An expired field is invisible to every hash command", arguments: encodings)
    func lazyExpiry(encoding: (name: String, entries: String)) {
        let h = harness(encoding.entries)
        h.callRaw("DEBUG", "SET-ACTIVE-EXPIRE", "0")
        h.callRaw("HSET", "h", "a", "1", "b", "22", "c", "3")
        h.callRaw("HPEXPIRE", "h", "100", "FIELDS", "2", "a", "b")
        h.advance(milliseconds: 100)
        // Alive through the millisecond of its deadline.
        #expect(h.callRaw("HGET", "h", "a") == bulk("1"))
        h.advance(milliseconds: 1)
        #expect(h.callRaw("HGET", "h", "a") == nullBulk)
        #expect(h.callRaw("HMGET", "h", "a", "b", "c") == array(nullBulk, nullBulk, bulk("3")))
        #expect(h.callRaw("HLEN", "h") == int(1))
        #expect(h.callRaw("HEXISTS", "h", "b") == int(0))
        #expect(h.callRaw("HSTRLEN", "h", "b") == int(0))
        #expect(h.callRaw("HGETALL", "h") == array(bulk("c"), bulk("3")))
        #expect(h.callRaw("HKEYS", "h") == array(bulk("c")))
        #expect(h.callRaw("HVALS", "h") == array(bulk("3")))
        #expect(h.callRaw("HRANDFIELD", "h", "-5") == array(bulk("c"), bulk("c"), bulk("c"), bulk("c"), bulk("c")))
        #expect(h.callRaw("HSCAN", "h", "0") == array(bulk("0"), array(bulk("c"), bulk("3"))))
        #expect(h.callRaw("HTTL", "h", "FIELDS", "1", "a") == ints(-2))
        #expect(h.callRaw("HPERSIST", "h", "FIELDS", "1", "a") == ints(-2))
        #expect(h.callRaw("HEXPIRE", "h", "10", "FIELDS", "1", "a") == ints(-2))
        #expect(h.callRaw("HSETNX", "h", "a", "new") == int(1))
        #expect(h.callRaw("HINCRBY", "h", "b", "5") == int(5))
        #expect(h.server.keyspace.stats.expiredFields == 2)
    }

    @Test("A hash whose last field expires is deleted on access")
    func lastFieldExpires() {
        let h = Harness()
        h.callRaw("DEBUG", "SET-ACTIVE-EXPIRE", "0")
        h.callRaw("HSET", "h", "a", "1")
        h.callRaw("HPEXPIRE", "h", "10", "FIELDS", "1", "a")
        h.advance(milliseconds: 11)
        #expect(h.callRaw("HLEN", "h") == int(0))
        #expect(h.callRaw("EXISTS", "h") == int(0))
        h.callRaw("HSET", "g", "a", "1")
        h.callRaw("HPEXPIRE", "g", "10", "FIELDS", "1", "a")
        h.advance(milliseconds: 11)
        // A write lookup sees a missing key and creates a fresh hash.
        #expect(h.callRaw("HSET", "g", "b", "2") == int(1))
        #expect(h.callRaw("HGETALL", "g") == array(bulk("b"), bulk("2")))
    }

    @Test("The active cycle deletes due fields and emptied hashes without any access", arguments: encodings)
    func activeExpiry(encoding: (name: String, entries: String)) {
        let h = harness(encoding.entries)
        h.callRaw("HSET", "h", "a", "1", "b", "2", "c", "3")
        h.callRaw("HPEXPIRE", "h", "100", "FIELDS", "2", "a", "b")
        h.callRaw("HSET", "gone", "x", "1")
        h.callRaw("HPEXPIRE", "gone", "50", "FIELDS", "1", "x")
        h.advance(milliseconds: 60)
        h.server.keyspace.activeExpireCycle(kind: .slow, hz: 10, monotonicMicros: { 0 })
        #expect(h.server.keyspace.stats.expiredFields == 1)
        #expect(h.callRaw("EXISTS", "gone") == int(0))
        h.advance(milliseconds: 60)
        h.server.keyspace.activeExpireCycle(kind: .slow, hz: 10, monotonicMicros: { 0 })
        #expect(h.server.keyspace.stats.expiredFields == 3)
        #expect(h.server.keyspace.databases[0].volatileHashes.count == 0)
        #expect(h.callRaw("OBJECT", "ENCODING", "h") == bulk(encoding.name == "listpackex" ? "listpack" : "hashtable"))
        #expect(h.callRaw("HGETALL", "h") == array(bulk("c"), bulk("3")))
    }

    @Test("Active expiry follows a renamed hash, and skips keys that are gone")
    func activeExpiryAfterRename() {
        let h = Harness()
        h.callRaw("HSET", "h", "a", "1", "b", "2")
        h.callRaw("HPEXPIRE", "h", "100", "FIELDS", "1", "a")
        h.callRaw("RENAME", "h", "h2")
        h.callRaw("HSET", "d", "a", "1")
        h.callRaw("HPEXPIRE", "d", "100", "FIELDS", "1", "a")
        h.callRaw("DEL", "d")
        h.advance(milliseconds: 101)
        h.server.keyspace.activeExpireCycle(kind: .slow, hz: 10, monotonicMicros: { 0 })
        #expect(h.server.keyspace.stats.expiredFields == 1)
        #expect(h.server.keyspace.databases[0].volatileHashes.count == 0)
    }

    @Test("HSET, HMSET and HSETNX of a new field clear the deadline; HINCRBY and HINCRBYFLOAT keep it",
          arguments: encodings)
    func writesAndTTL(encoding: (name: String, entries: String)) {
        let h = harness(encoding.entries)
        h.callRaw("HSET", "h", "a", "1", "b", "2", "n", "1", "f", "1.5")
        h.callRaw("HEXPIRE", "h", "100", "FIELDS", "4", "a", "b", "n", "f")
        #expect(h.callRaw("HSET", "h", "a", "x") == int(0))
        #expect(h.callRaw("HMSET", "h", "b", "y") == ok)
        #expect(h.callRaw("HINCRBY", "h", "n", "2") == int(3))
        #expect(h.callRaw("HINCRBYFLOAT", "h", "f", "1") == bulk("2.5"))
        #expect(h.callRaw("HSETNX", "h", "n", "9") == int(0))
        #expect(h.callRaw("HTTL", "h", "FIELDS", "4", "a", "b", "n", "f") == ints(-1, -1, 100, 100))
        h.callRaw("HDEL", "h", "n")
        #expect(h.callRaw("HSET", "h", "n", "0") == int(1))
        #expect(h.callRaw("HTTL", "h", "FIELDS", "1", "n") == ints(-1))
    }

    @Test("COPY, RENAME and MOVE keep the deadlines; DEBUG DIGEST-VALUE and MEMORY USAGE see them")
    func typeGeneric() {
        let h = Harness()
        h.callRaw("HSET", "h", "a", "1", "b", "2")
        let plainDigest = h.callRaw("DEBUG", "DIGEST-VALUE", "h")
        let plainMemory = h.callRaw("MEMORY", "USAGE", "h")
        h.callRaw("HEXPIRE", "h", "100", "FIELDS", "1", "a")
        #expect(h.callRaw("DEBUG", "DIGEST-VALUE", "h") != plainDigest)
        let memory = h.callRaw("MEMORY", "USAGE", "h")
        #expect(Int(memory.dropFirst().dropLast(2))! > Int(plainMemory.dropFirst().dropLast(2))!)
        #expect(h.callRaw("COPY", "h", "c") == int(1))
        #expect(h.callRaw("DEBUG", "DIGEST-VALUE", "c") == h.callRaw("DEBUG", "DIGEST-VALUE", "h"))
        #expect(h.callRaw("HTTL", "c", "FIELDS", "2", "a", "b") == ints(100, -1))
        // The copy's deadlines are its own.
        h.callRaw("HPERSIST", "c", "FIELDS", "1", "a")
        #expect(h.callRaw("HTTL", "h", "FIELDS", "1", "a") == ints(100))
        h.callRaw("RENAME", "h", "r")
        #expect(h.callRaw("HTTL", "r", "FIELDS", "1", "a") == ints(100))
        #expect(h.callRaw("MOVE", "r", "1") == int(1))
        h.callRaw("SELECT", "1")
        #expect(h.callRaw("HTTL", "r", "FIELDS", "1", "a") == ints(100))
        #expect(h.callRaw("OBJECT", "ENCODING", "r") == bulk("listpackex"))
    }

    @Test("A listpack with deadlines converts to a hashtable and keeps them")
    func conversion() {
        let h = Harness { try! $0.set("hash-max-listpack-entries", ["4"], startup: true) }
        h.callRaw("HSET", "h", "a", "1", "b", "2")
        h.callRaw("HPEXPIRE", "h", "100", "FIELDS", "1", "a")
        h.callRaw("HSET", "h", "c", "3", "d", "4", "e", "5")
        #expect(h.callRaw("OBJECT", "ENCODING", "h") == bulk("hashtable"))
        #expect(h.callRaw("HPTTL", "h", "FIELDS", "2", "a", "b") == ints(100, -1))
        h.advance(milliseconds: 101)
        #expect(h.callRaw("HLEN", "h") == int(4))
    }

    @Test("Many deadlines changed many times: the earliest always expires first")
    func manyDeadlines() {
        let h = Harness()
        h.callRaw("DEBUG", "SET-ACTIVE-EXPIRE", "0")
        for i in 0..<200 { h.callRaw("HSET", "h", "f\(i)", "v") }
        for round in 0..<5 {
            for i in 0..<200 {
                h.callRaw("HPEXPIRE", "h", String(1000 + (i * 7 + round * 13) % 200), "FIELDS", "1", "f\(i)")
            }
        }
        // The last round's deadlines: 1000 + (7i + 52) % 200 ms; one field per deadline.
        h.advance(milliseconds: 1100)
        #expect(h.callRaw("HLEN", "h") == int(100))
        h.advance(milliseconds: 100)
        #expect(h.callRaw("HLEN", "h") == int(0))
        #expect(h.callRaw("EXISTS", "h") == int(0))
    }
}
