// HashCommands: HSET/HMSET/HSETNX, reads in RESP2 and RESP3, HDEL deleting the key, HINCRBY/HINCRBYFLOAT values and
// errors, HRANDFIELD reply shapes, HSCAN (MATCH, COUNT, NOVALUES), encodings and conversions, WRONGTYPE, and the
// type-generic commands on hashes.
import CinnabarCommands
import Testing

private func map3(_ items: String...) -> String { "%\(items.count / 2)\r\n" + items.joined() }

@Suite("Hash commands")
struct HashCommandsTests {
    @Test("HSET creates and updates, replying the number of new fields; HGET reads them")
    func hsetHget() {
        let h = Harness()
        #expect(h.callRaw("HSET", "h", "a", "1", "b", "2") == int(2))
        #expect(h.callRaw("HSET", "h", "a", "x", "c", "3") == int(1))
        #expect(h.callRaw("HGET", "h", "a") == bulk("x"))
        #expect(h.callRaw("HGET", "h", "nope") == nullBulk)
        #expect(h.callRaw("HGET", "missing", "a") == nullBulk)
        #expect(h.callRaw("HLEN", "h") == int(3))
        #expect(h.callRaw("TYPE", "h") == "+hash\r\n")
        #expect(Harness(resp3: true).callRaw("HGET", "missing", "a") == null3)
    }

    @Test("HSET and HMSET with an odd number of arguments are arity errors; HMSET replies +OK")
    func arity() {
        let h = Harness()
        #expect(h.callRaw("HSET", "h", "a", "1", "b") == err("ERR wrong number of arguments for 'hset' command"))
        #expect(h.callRaw("HMSET", "h", "a") == err("ERR wrong number of arguments for 'hmset' command"))
        #expect(h.callRaw("HMSET", "h", "a", "1", "b") == err("ERR wrong number of arguments for 'hmset' command"))
        #expect(h.callRaw("HMSET", "h", "a", "1", "b", "2") == ok)
        #expect(h.callRaw("EXISTS", "h") == int(1))
    }

    @Test("HSETNX sets only missing fields")
    func hsetnx() {
        let h = Harness()
        #expect(h.callRaw("HSETNX", "h", "a", "1") == int(1))
        #expect(h.callRaw("HSETNX", "h", "a", "2") == int(0))
        #expect(h.callRaw("HGET", "h", "a") == bulk("1"))
    }

    @Test("HMGET: values and nulls, all nulls for a missing key")
    func hmget() {
        let h = Harness()
        h.callRaw("HSET", "h", "a", "1", "b", "2")
        #expect(h.callRaw("HMGET", "h", "a", "x", "b") == array(bulk("1"), nullBulk, bulk("2")))
        #expect(h.callRaw("HMGET", "missing", "a", "b") == array(nullBulk, nullBulk))
        #expect(Harness(resp3: true).callRaw("HMGET", "missing", "a") == array(null3))
    }

    @Test("HGETALL is a flat array in RESP2 and a map in RESP3, in insertion order for a listpack")
    func hgetall() {
        let h = Harness()
        h.callRaw("HSET", "h", "z", "1", "a", "2", "m", "3")
        #expect(h.callRaw("HGETALL", "h") == array(bulk("z"), bulk("1"), bulk("a"), bulk("2"), bulk("m"), bulk("3")))
        #expect(h.callRaw("HKEYS", "h") == array(bulk("z"), bulk("a"), bulk("m")))
        #expect(h.callRaw("HVALS", "h") == array(bulk("1"), bulk("2"), bulk("3")))
        #expect(h.callRaw("HGETALL", "missing") == "*0\r\n")
        let h3 = Harness(resp3: true)
        h3.callRaw("HSET", "h", "z", "1", "a", "2")
        #expect(h3.callRaw("HGETALL", "h") == map3(bulk("z"), bulk("1"), bulk("a"), bulk("2")))
        #expect(h3.callRaw("HGETALL", "missing") == "%0\r\n")
        #expect(h3.callRaw("HKEYS", "missing") == "*0\r\n")
        #expect(h3.callRaw("HKEYS", "h") == array(bulk("z"), bulk("a")))
    }

    @Test("HDEL counts deleted fields and deletes the key with its last field")
    func hdel() {
        let h = Harness()
        h.callRaw("HSET", "h", "a", "1", "b", "2", "c", "3")
        #expect(h.callRaw("HDEL", "h", "a", "nope", "a") == int(1))
        #expect(h.callRaw("HDEL", "h", "b", "c", "d") == int(2))
        #expect(h.callRaw("EXISTS", "h") == int(0))
        #expect(h.callRaw("HDEL", "h", "a") == int(0))
    }

    @Test("HEXISTS, HLEN and HSTRLEN")
    func smallReads() {
        let h = Harness()
        h.callRaw("HSET", "h", "a", "hello", "n", "-123")
        #expect(h.callRaw("HEXISTS", "h", "a") == int(1))
        #expect(h.callRaw("HEXISTS", "h", "b") == int(0))
        #expect(h.callRaw("HEXISTS", "missing", "b") == int(0))
        #expect(h.callRaw("HSTRLEN", "h", "a") == int(5))
        #expect(h.callRaw("HSTRLEN", "h", "n") == int(4))
        #expect(h.callRaw("HSTRLEN", "h", "b") == int(0))
        #expect(h.callRaw("HLEN", "missing") == int(0))
    }

    @Test("HINCRBY: creation, overflow and non-integer values")
    func hincrby() {
        let h = Harness()
        #expect(h.callRaw("HINCRBY", "h", "n", "5") == int(5))
        #expect(h.callRaw("HINCRBY", "h", "n", "-10") == int(-5))
        #expect(h.callRaw("HGET", "h", "n") == bulk("-5"))
        h.callRaw("HSET", "h", "big", "9223372036854775807", "s", " 1", "f", "1.5")
        #expect(h.callRaw("HINCRBY", "h", "big", "1") == err("ERR increment or decrement would overflow"))
        #expect(h.callRaw("HINCRBY", "h", "s", "1") == err("ERR hash value is not an integer"))
        #expect(h.callRaw("HINCRBY", "h", "f", "1") == err("ERR hash value is not an integer"))
        #expect(h.callRaw("HINCRBY", "h", "n", "x") == err("ERR value is not an integer or out of range"))
        #expect(h.callRaw("HINCRBY", "h", "n", "9223372036854775808")
            == err("ERR value is not an integer or out of range"))
    }

    @Test("HINCRBYFLOAT: long double formatting and the NaN / infinity errors")
    func hincrbyfloat() {
        let h = Harness()
        #expect(h.callRaw("HINCRBYFLOAT", "h", "f", "10.5") == bulk("10.5"))
        #expect(h.callRaw("HINCRBYFLOAT", "h", "f", "0.1") == bulk("10.6"))
        #expect(h.callRaw("HINCRBYFLOAT", "h", "f", "-0.6") == bulk("10"))
        #expect(h.callRaw("HINCRBYFLOAT", "h", "g", "1.23") == bulk("1.23"))
        #expect(h.callRaw("HINCRBYFLOAT", "h", "g", "0.77") == bulk("2"))
        #expect(h.callRaw("HINCRBYFLOAT", "h", "g", "5.0e3") == bulk("5002"))
        #expect(h.callRaw("HINCRBYFLOAT", "h", "f", "x") == err("ERR value is not a valid float"))
        #expect(h.callRaw("HINCRBYFLOAT", "h", "f", "+inf") == err("ERR value is NaN or Infinity"))
        #expect(h.callRaw("HINCRBYFLOAT", "new", "f", "inf") == err("ERR value is NaN or Infinity"))
        #expect(h.callRaw("EXISTS", "new") == int(0))
        h.callRaw("HSET", "h", "s", "abc", "huge", "1e4932")
        #expect(h.callRaw("HINCRBYFLOAT", "h", "s", "1") == err("ERR hash value is not a float"))
        #expect(h.callRaw("HINCRBYFLOAT", "h", "huge", "1e4932") == err("ERR increment would produce NaN or Infinity"))
        #expect(Harness(resp3: true).callRaw("HINCRBYFLOAT", "h", "f", "1.5") == bulk("1.5"))
    }

    @Test("Hash commands against a string key are WRONGTYPE; HSET on a string does not overwrite it")
    func wrongType() {
        let h = Harness()
        h.callRaw("SET", "s", "v")
        let wrong = err("WRONGTYPE Operation against a key holding the wrong kind of value")
        for args in [["HSET", "s", "a", "1"], ["HGET", "s", "a"], ["HMGET", "s", "a"], ["HGETALL", "s"],
                     ["HDEL", "s", "a"], ["HLEN", "s"], ["HEXISTS", "s", "a"], ["HSTRLEN", "s", "a"],
                     ["HKEYS", "s"], ["HVALS", "s"], ["HINCRBY", "s", "a", "1"], ["HINCRBYFLOAT", "s", "a", "1"],
                     ["HSETNX", "s", "a", "1"], ["HRANDFIELD", "s"], ["HRANDFIELD", "s", "2"], ["HSCAN", "s", "0"],
                     ["HMSET", "s", "a", "1"]] {
            #expect(h.callRaw(args) == wrong, "\(args)")
        }
        h.callRaw("HSET", "h", "a", "1")
        #expect(h.callRaw("GET", "h") == wrong)
        #expect(h.callRaw("GET", "s") == bulk("v"))
    }

    @Test("Encodings: listpack until 512 fields (Redis 7.2's default) or a 65-byte string, then hashtable for good")
    func encodings() {
        let h = Harness()
        #expect(h.callRaw("CONFIG", "GET", "hash-max-listpack-entries")
            == array(bulk("hash-max-listpack-entries"), bulk("512")))
        for i in 0..<512 { h.callRaw("HSET", "h", "f\(i)", "v") }
        #expect(h.callRaw("OBJECT", "ENCODING", "h") == bulk("listpack"))
        h.callRaw("HSET", "h", "f512", "v")
        #expect(h.callRaw("OBJECT", "ENCODING", "h") == bulk("hashtable"))
        for i in 0..<500 { h.callRaw("HDEL", "h", "f\(i)") }
        #expect(h.callRaw("OBJECT", "ENCODING", "h") == bulk("hashtable"))
        h.callRaw("HSET", "v", "f", String(repeating: "x", count: 64))
        #expect(h.callRaw("OBJECT", "ENCODING", "v") == bulk("listpack"))
        h.callRaw("HSET", "v", "f", String(repeating: "x", count: 65))
        #expect(h.callRaw("OBJECT", "ENCODING", "v") == bulk("hashtable"))
        h.callRaw("HINCRBYFLOAT", "w", "f", "1")
        #expect(h.callRaw("OBJECT", "ENCODING", "w") == bulk("listpack"))
    }

    @Test("The thresholds follow CONFIG SET hash-max-listpack-* (and the ziplist aliases)")
    func configThresholds() {
        let h = Harness()
        #expect(h.callRaw("CONFIG", "SET", "hash-max-ziplist-entries", "2") == ok)
        #expect(h.callRaw("CONFIG", "SET", "hash-max-listpack-value", "4") == ok)
        h.callRaw("HSET", "a", "f1", "1", "f2", "2")
        #expect(h.callRaw("OBJECT", "ENCODING", "a") == bulk("listpack"))
        h.callRaw("HSET", "a", "f3", "3")
        #expect(h.callRaw("OBJECT", "ENCODING", "a") == bulk("hashtable"))
        h.callRaw("HSET", "b", "f", "12345")
        #expect(h.callRaw("OBJECT", "ENCODING", "b") == bulk("hashtable"))
        // HINCRBYFLOAT writes a longer value: the hash converts.
        h.callRaw("HSET", "c", "f", "1")
        #expect(h.callRaw("HINCRBYFLOAT", "c", "f", "0.125") == bulk("1.125"))
        #expect(h.callRaw("OBJECT", "ENCODING", "c") == bulk("hashtable"))
    }

    @Test("A big hash keeps every field readable through growth and deletion")
    func bigHash() {
        let h = Harness()
        for i in 0..<1000 { h.callRaw("HSET", "h", "field:\(i)", "value:\(i)") }
        #expect(h.callRaw("HLEN", "h") == int(1000))
        for i in stride(from: 0, to: 1000, by: 2) { h.callRaw("HDEL", "h", "field:\(i)") }
        #expect(h.callRaw("HLEN", "h") == int(500))
        #expect(h.callRaw("HGET", "h", "field:999") == bulk("value:999"))
        #expect(h.callRaw("HGET", "h", "field:998") == nullBulk)
    }

    @Test("HRANDFIELD without count; count 0 and missing keys are empty arrays")
    func hrandfieldBasics() {
        let h = Harness()
        #expect(h.callRaw("HRANDFIELD", "missing") == nullBulk)
        #expect(h.callRaw("HRANDFIELD", "missing", "5") == "*0\r\n")
        h.callRaw("HSET", "h", "a", "1")
        #expect(h.callRaw("HRANDFIELD", "h") == bulk("a"))
        #expect(h.callRaw("HRANDFIELD", "h", "0") == "*0\r\n")
        #expect(h.callRaw("HRANDFIELD", "h", "1", "WITHVALUES") == array(bulk("a"), bulk("1")))
        #expect(h.callRaw("HRANDFIELD", "h", "-3") == array(bulk("a"), bulk("a"), bulk("a")))
        #expect(h.callRaw("HRANDFIELD", "h", "5") == array(bulk("a")))
        #expect(Harness(resp3: true).callRaw("HRANDFIELD", "missing", "5") == "*0\r\n")
    }

    @Test("HRANDFIELD errors: count range, WITHVALUES range, syntax")
    func hrandfieldErrors() {
        let h = Harness()
        h.callRaw("HSET", "h", "a", "1")
        #expect(h.callRaw("HRANDFIELD", "h", "-9223372036854775808")
            == err("ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807"))
        #expect(h.callRaw("HRANDFIELD", "h", "-9223372036854770000", "WITHVALUES") == err("ERR value is out of range"))
        #expect(h.callRaw("HRANDFIELD", "h", "1", "FOO") == err("ERR syntax error"))
        #expect(h.callRaw("HRANDFIELD", "h", "1", "WITHVALUES", "x") == err("ERR syntax error"))
        #expect(h.callRaw("HRANDFIELD", "h", "x") == err("ERR value is not an integer or out of range"))
    }

    @Test("HRANDFIELD WITHVALUES pairs field and value in RESP3, flattens them in RESP2")
    func hrandfieldShapes() {
        let h3 = Harness(resp3: true)
        h3.callRaw("HSET", "h", "a", "1")
        #expect(h3.callRaw("HRANDFIELD", "h", "-2", "WITHVALUES")
            == array(array(bulk("a"), bulk("1")), array(bulk("a"), bulk("1"))))
        #expect(h3.callRaw("HRANDFIELD", "h", "2", "WITHVALUES") == array(array(bulk("a"), bulk("1"))))
        #expect(h3.callRaw("HRANDFIELD", "h", "2") == array(bulk("a")))
    }

    @Test("HRANDFIELD with a positive count returns distinct fields in both encodings")
    func hrandfieldUnique() {
        for entries in ["512", "0"] {
            let h = Harness()
            h.callRaw("CONFIG", "SET", "hash-max-listpack-entries", entries)
            for i in 0..<10 { h.callRaw("HSET", "h", "f\(i)", "v\(i)") }
            for count in [2, 8, 9] {
                let reply = h.callRaw("HRANDFIELD", "h", String(count))
                let fields = reply.split(separator: "\r\n").filter { $0.hasPrefix("f") }
                #expect(fields.count == count && Set(fields).count == count, "\(entries) \(count): \(reply)")
            }
            let all = h.callRaw("HRANDFIELD", "h", "20", "WITHVALUES")
            #expect(all.hasPrefix("*20\r\n"))
        }
    }

    @Test("HSCAN: a listpack in one call, MATCH, NOVALUES, COUNT validation, missing keys")
    func hscan() {
        let h = Harness()
        h.callRaw("HSET", "h", "a1", "1", "b1", "2", "a2", "3")
        #expect(h.callRaw("HSCAN", "h", "0") == array(bulk("0"), array(bulk("a1"), bulk("1"), bulk("b1"), bulk("2"),
                                                                        bulk("a2"), bulk("3"))))
        #expect(h.callRaw("HSCAN", "h", "0", "MATCH", "a*")
            == array(bulk("0"), array(bulk("a1"), bulk("1"), bulk("a2"), bulk("3"))))
        #expect(h.callRaw("HSCAN", "h", "0", "NOVALUES") == array(bulk("0"), array(bulk("a1"), bulk("b1"), bulk("a2"))))
        #expect(h.callRaw("HSCAN", "h", "0", "COUNT", "0") == err("ERR syntax error"))
        #expect(h.callRaw("HSCAN", "h", "0", "COUNT", "x") == err("ERR value is not an integer or out of range"))
        #expect(h.callRaw("HSCAN", "h", "0", "FOO") == err("ERR syntax error"))
        #expect(h.callRaw("HSCAN", "h", "x") == err("ERR invalid cursor"))
        // A missing key answers the empty scan before looking at the options, as Redis does.
        #expect(h.callRaw("HSCAN", "missing", "0", "COUNT", "0") == array(bulk("0"), "*0\r\n"))
    }

    @Test("HSCAN over a hashtable returns every field exactly by the end of the iteration")
    func hscanHashtable() {
        let h = Harness()
        for i in 0..<500 { h.callRaw("HSET", "h", "f\(i)", "v\(i)") }
        var cursor = "0"
        var fields = Set<String>()
        repeat {
            let reply = h.callRaw("HSCAN", "h", cursor, "COUNT", "7", "NOVALUES")
            let lines = reply.split(separator: "\r\n", omittingEmptySubsequences: false).map(String.init)
            cursor = lines[2]
            for l in lines.dropFirst(3) where l.hasPrefix("f") { fields.insert(l) }
        } while cursor != "0"
        #expect(fields.count == 500)
    }

    @Test("COPY duplicates a hash, RENAME moves it, DEBUG DIGEST-VALUE matches Redis, MEMORY USAGE grows")
    func generic() {
        let h = Harness()
        h.callRaw("HSET", "h", "a", "1", "b", "2", "c", "3")
        #expect(h.callRaw("COPY", "h", "h2") == int(1))
        h.callRaw("HSET", "h", "a", "changed")
        #expect(h.callRaw("HGET", "h2", "a") == bulk("1"))
        #expect(h.callRaw("OBJECT", "ENCODING", "h2") == bulk("listpack"))
        #expect(h.callRaw("DEBUG", "DIGEST-VALUE", "h2") == array("+b60c36e529712296d694f27b5914cbe84950995e\r\n"))
        #expect(h.callRaw("RENAME", "h2", "h3") == ok)
        #expect(h.callRaw("HGETALL", "h3") == array(bulk("a"), bulk("1"), bulk("b"), bulk("2"), bulk("c"), bulk("3")))
        let small = h.callRaw("MEMORY", "USAGE", "h3")
        for i in 0..<200 { h.callRaw("HSET", "h3", "field:\(i)", "value:\(i)") }
        let big = h.callRaw("MEMORY", "USAGE", "h3")
        #expect(Int(small.dropFirst().dropLast(2))! < Int(big.dropFirst().dropLast(2))!)
        #expect(h.callRaw("SCAN", "0", "TYPE", "hash") == array(bulk("0"), array(bulk("h"), bulk("h3")))
            || h.callRaw("SCAN", "0", "TYPE", "hash") == array(bulk("0"), array(bulk("h3"), bulk("h"))))
    }

    @Test("A write signals one modification of its key; a failed or empty write signals none")
    func modificationSignals() {
        let h = Harness()
        var modified: [String] = []
        h.server.keyspace.onKeyModified = { _, key in modified.append(String(decoding: key, as: UTF8.self)) }
        h.callRaw("HSET", "h", "a", "1", "b", "2")
        h.callRaw("HSET", "h", "c", "3")
        h.callRaw("HINCRBY", "h", "n", "1")
        h.callRaw("HDEL", "h", "nope")
        h.callRaw("HGET", "h", "a")
        h.callRaw("HDEL", "h", "a", "b", "c", "n")
        #expect(modified == ["h", "h", "h", "h"])
        #expect(h.callRaw("EXISTS", "h") == int(0))
    }
}
