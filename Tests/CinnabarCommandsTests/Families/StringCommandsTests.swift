// StringCommands: GET/SET and options, counters, ranges, APPEND/SETRANGE, INCRBYFLOAT formatting, LCS, encodings.
import CinnabarCommands
import Testing

@Suite("String commands")
struct StringCommandsTests {
    @Test("SET then GET returns the value; GET of a missing key is a null bulk in RESP2 and _ in RESP3")
    func setGet() {
        let h = Harness()
        #expect(h.callRaw("SET", "k", "hello") == ok)
        #expect(h.callRaw("GET", "k") == bulk("hello"))
        #expect(h.callRaw("GET", "missing") == nullBulk)
        let h3 = Harness(resp3: true)
        #expect(h3.callRaw("GET", "missing") == null3)
    }

    @Test("SET NX and XX only set when the key is absent / present")
    func setConditions() {
        let h = Harness()
        #expect(h.callRaw("SET", "k", "1", "XX") == nullBulk)
        #expect(h.callRaw("SET", "k", "1", "NX") == ok)
        #expect(h.callRaw("SET", "k", "2", "NX") == nullBulk)
        #expect(h.callRaw("SET", "k", "3", "XX") == ok)
        #expect(h.callRaw("GET", "k") == bulk("3"))
    }

    @Test("SET with conflicting options is a syntax error")
    func setSyntax() {
        let h = Harness()
        #expect(h.callRaw("SET", "k", "v", "NX", "XX") == err("ERR syntax error"))
        #expect(h.callRaw("SET", "k", "v", "EX", "10", "PX", "100") == err("ERR syntax error"))
        #expect(h.callRaw("SET", "k", "v", "KEEPTTL", "EX", "10") == err("ERR syntax error"))
        #expect(h.callRaw("SET", "k", "v", "EX") == err("ERR syntax error"))
        #expect(h.callRaw("SET", "k", "v", "FOO") == err("ERR syntax error"))
    }

    @Test("SET EX with a non-positive or non-integer time")
    func setInvalidExpire() {
        let h = Harness()
        #expect(h.callRaw("SET", "k", "v", "EX", "0") == err("ERR invalid expire time in 'set' command"))
        #expect(h.callRaw("SET", "k", "v", "PX", "-5") == err("ERR invalid expire time in 'set' command"))
        #expect(h.callRaw("SET", "k", "v", "EX", "abc") == err("ERR value is not an integer or out of range"))
        #expect(h.callRaw("SETEX", "k", "0", "v") == err("ERR invalid expire time in 'setex' command"))
    }

    @Test("SET EX sets a TTL that expires with the clock; KEEPTTL keeps it; a plain SET clears it")
    func setExpiry() {
        let h = Harness()
        #expect(h.callRaw("SET", "k", "v", "EX", "10") == ok)
        #expect(h.callRaw("TTL", "k") == int(10))
        #expect(h.callRaw("SET", "k", "w", "KEEPTTL") == ok)
        #expect(h.callRaw("PTTL", "k") == int(10000))
        h.advance(milliseconds: 10_001)
        #expect(h.callRaw("GET", "k") == nullBulk)
        #expect(h.callRaw("SET", "k", "v", "PX", "500") == ok)
        #expect(h.callRaw("SET", "k", "v") == ok)
        #expect(h.callRaw("TTL", "k") == int(-1))
    }

    @Test("SET EXAT and PXAT take absolute Unix times")
    func setAbsolute() {
        let h = Harness()
        let nowSeconds = 1_700_000_000
        #expect(h.callRaw("SET", "k", "v", "EXAT", String(nowSeconds + 100)) == ok)
        #expect(h.callRaw("TTL", "k") == int(100))
        #expect(h.callRaw("SET", "k", "v", "PXAT", String(nowSeconds * 1000 + 2500)) == ok)
        #expect(h.callRaw("PEXPIRETIME", "k") == int(nowSeconds * 1000 + 2500))
    }

    @Test("SET GET returns the old value, nil when absent, WRONGTYPE-free on strings")
    func setGetOption() {
        let h = Harness()
        #expect(h.callRaw("SET", "k", "a", "GET") == nullBulk)
        #expect(h.callRaw("SET", "k", "b", "GET") == bulk("a"))
        #expect(h.callRaw("SET", "k", "c", "NX", "GET") == bulk("b"))
        #expect(h.callRaw("GET", "k") == bulk("b"))
    }

    @Test("SETNX, GETSET, GETDEL, GETEX")
    func variants() {
        let h = Harness()
        #expect(h.callRaw("SETNX", "k", "1") == int(1))
        #expect(h.callRaw("SETNX", "k", "2") == int(0))
        #expect(h.callRaw("GETSET", "k", "3") == bulk("1"))
        #expect(h.callRaw("GETEX", "k", "EX", "50") == bulk("3"))
        #expect(h.callRaw("TTL", "k") == int(50))
        #expect(h.callRaw("GETEX", "k", "PERSIST") == bulk("3"))
        #expect(h.callRaw("TTL", "k") == int(-1))
        #expect(h.callRaw("GETEX", "k", "PERSIST", "EX", "5") == err("ERR syntax error"))
        #expect(h.callRaw("GETDEL", "k") == bulk("3"))
        #expect(h.callRaw("EXISTS", "k") == int(0))
        #expect(h.callRaw("GETEX", "k", "EXAT", "1") == nullBulk)
    }

    @Test("MSET, MGET, MSETNX and MSET with an odd number of arguments")
    func multi() {
        let h = Harness()
        #expect(h.callRaw("MSET", "a", "1", "b", "2") == ok)
        #expect(h.callRaw("MGET", "a", "nope", "b") == array(bulk("1"), nullBulk, bulk("2")))
        #expect(h.callRaw("MSETNX", "c", "3", "a", "9") == int(0))
        #expect(h.callRaw("MSETNX", "c", "3", "d", "4") == int(1))
        #expect(h.callRaw("MSET", "a", "1", "b") == err("ERR wrong number of arguments for 'mset' command"))
    }

    @Test("INCR family: creation, overflow, non-integers, DECRBY of LLONG_MIN")
    func counters() {
        let h = Harness()
        #expect(h.callRaw("INCR", "n") == int(1))
        #expect(h.callRaw("INCRBY", "n", "41") == int(42))
        #expect(h.callRaw("DECR", "n") == int(41))
        #expect(h.callRaw("DECRBY", "n", "1") == int(40))
        #expect(h.callRaw("OBJECT", "ENCODING", "n") == bulk("int"))
        #expect(h.callRaw("SET", "n", "9223372036854775807") == ok)
        #expect(h.callRaw("INCR", "n") == err("ERR increment or decrement would overflow"))
        #expect(h.callRaw("SET", "s", "abc") == ok)
        #expect(h.callRaw("INCR", "s") == err("ERR value is not an integer or out of range"))
        #expect(h.callRaw("SET", "s", " 1") == ok)
        #expect(h.callRaw("INCR", "s") == err("ERR value is not an integer or out of range"))
        #expect(h.callRaw("DECRBY", "n", "-9223372036854775808") == err("ERR decrement would overflow"))
        #expect(h.callRaw("INCRBY", "n", "1.5") == err("ERR value is not an integer or out of range"))
    }

    @Test("INCRBYFLOAT formats like Redis's long double human form")
    func incrbyfloat() {
        let h = Harness()
        #expect(h.callRaw("SET", "f", "10.50") == ok)
        #expect(h.callRaw("INCRBYFLOAT", "f", "0.1") == bulk("10.6"))
        #expect(h.callRaw("INCRBYFLOAT", "f", "-5.6") == bulk("5"))
        #expect(h.callRaw("INCRBYFLOAT", "g", "5.0e3") == bulk("5000"))
        #expect(h.callRaw("INCRBYFLOAT", "g", "abc") == err("ERR value is not a valid float"))
        #expect(h.callRaw("SET", "h", "x") == ok)
        #expect(h.callRaw("INCRBYFLOAT", "h", "1") == err("ERR value is not a valid float"))
        #expect(h.callRaw("INCRBYFLOAT", "g", "inf") == err("ERR increment would produce NaN or Infinity"))
        let h3 = Harness(resp3: true)
        #expect(h3.callRaw("INCRBYFLOAT", "f", "1.5") == bulk("1.5"))  // a bulk string even in RESP3
    }

    @Test("APPEND creates and extends; the result is raw; STRLEN counts bytes")
    func append() {
        let h = Harness()
        #expect(h.callRaw("APPEND", "k", "Hello") == int(5))
        #expect(h.callRaw("APPEND", "k", " World") == int(11))
        #expect(h.callRaw("GET", "k") == bulk("Hello World"))
        #expect(h.callRaw("OBJECT", "ENCODING", "k") == bulk("raw"))
        #expect(h.callRaw("STRLEN", "k") == int(11))
        #expect(h.callRaw("STRLEN", "none") == int(0))
        #expect(h.callRaw("SET", "n", "12") == ok)
        #expect(h.callRaw("APPEND", "n", "34") == int(4))
        #expect(h.callRaw("INCR", "n") == int(1235))
    }

    @Test("A value that a second key shares is not changed by APPEND on the first (copy on write)")
    func appendCopyOnWrite() {
        let h = Harness()
        let long = String(repeating: "x", count: 40)
        #expect(h.callRaw("SET", "a", long) == ok)
        #expect(h.callRaw("COPY", "a", "b") == int(1))
        #expect(h.callRaw("APPEND", "a", "y") == int(41))
        #expect(h.callRaw("GET", "b") == bulk(long))
        #expect(h.callRaw("GET", "a") == bulk(long + "y"))
    }

    @Test("GETRANGE with negative and out-of-range indexes, SUBSTR alias")
    func getrange() {
        let h = Harness()
        #expect(h.callRaw("SET", "k", "This is a string") == ok)
        #expect(h.callRaw("GETRANGE", "k", "0", "3") == bulk("This"))
        #expect(h.callRaw("GETRANGE", "k", "-3", "-1") == bulk("ing"))
        #expect(h.callRaw("GETRANGE", "k", "0", "-1") == bulk("This is a string"))
        #expect(h.callRaw("GETRANGE", "k", "10", "100") == bulk("string"))
        #expect(h.callRaw("GETRANGE", "k", "-1", "-5") == bulk(""))
        #expect(h.callRaw("GETRANGE", "missing", "0", "1") == bulk(""))
        #expect(h.callRaw("SUBSTR", "k", "0", "0") == bulk("T"))
        #expect(h.callRaw("SET", "n", "1234") == ok)
        #expect(h.callRaw("GETRANGE", "n", "1", "2") == bulk("23"))
    }

    @Test("SETRANGE pads with zero bytes, rejects negative offsets and oversize results")
    func setrange() {
        let h = Harness()
        #expect(h.callRaw("SETRANGE", "k", "5", "ab") == int(7))
        #expect(h.callRaw("GET", "k") == bulk("\0\0\0\0\0ab"))
        #expect(h.callRaw("SETRANGE", "k", "0", "XY") == int(7))
        #expect(h.callRaw("GETRANGE", "k", "0", "1") == bulk("XY"))
        #expect(h.callRaw("SETRANGE", "k", "-1", "a") == err("ERR offset is out of range"))
        #expect(h.callRaw("SETRANGE", "e", "10", "") == int(0))
        #expect(h.callRaw("EXISTS", "e") == int(0))
        #expect(h.callRaw("SETRANGE", "k", "536870911", "ab")
            == err("ERR string exceeds maximum allowed size (proto-max-bulk-len)"))
    }

    @Test("OBJECT ENCODING: int, embstr up to 44 bytes, raw above")
    func encodings() {
        let h = Harness()
        #expect(h.callRaw("SET", "a", "12345") == ok)
        #expect(h.callRaw("OBJECT", "ENCODING", "a") == bulk("int"))
        #expect(h.callRaw("SET", "a", "012345") == ok)
        #expect(h.callRaw("OBJECT", "ENCODING", "a") == bulk("embstr"))
        #expect(h.callRaw("SET", "a", String(repeating: "a", count: 44)) == ok)
        #expect(h.callRaw("OBJECT", "ENCODING", "a") == bulk("embstr"))
        #expect(h.callRaw("SET", "a", String(repeating: "a", count: 45)) == ok)
        #expect(h.callRaw("OBJECT", "ENCODING", "a") == bulk("raw"))
    }

    @Test("LCS: string, LEN, IDX with MINMATCHLEN and WITHMATCHLEN")
    func lcs() {
        let h = Harness()
        #expect(h.callRaw("MSET", "key1", "ohmytext", "key2", "mynewtext") == ok)
        #expect(h.callRaw("LCS", "key1", "key2") == bulk("mytext"))
        #expect(h.callRaw("LCS", "key1", "key2", "LEN") == int(6))
        #expect(h.callRaw("LCS", "key1", "key2", "IDX", "MINMATCHLEN", "4", "WITHMATCHLEN")
            == array(bulk("matches"), array(array(array(int(4), int(7)), array(int(5), int(8)), int(4))),
                     bulk("len"), int(6)))
        #expect(h.callRaw("LCS", "key1", "key2", "IDX", "LEN")
            == err("ERR If you want both the length and indexes, please just use IDX."))
        let h3 = Harness(resp3: true)
        #expect(h3.callRaw("MSET", "a", "ab", "b", "ab") == ok)
        #expect(h3.callRaw("LCS", "a", "b", "IDX") == "%2\r\n" + bulk("matches")
            + array(array(array(int(0), int(1)), array(int(0), int(1)))) + bulk("len") + int(2))
    }

    @Test("String commands reject wrong arity with Redis's text")
    func arity() {
        let h = Harness()
        #expect(h.callRaw("GET") == err("ERR wrong number of arguments for 'get' command"))
        #expect(h.callRaw("SET", "k") == err("ERR wrong number of arguments for 'set' command"))
        #expect(h.callRaw("GETRANGE", "k", "0") == err("ERR wrong number of arguments for 'getrange' command"))
    }
}
