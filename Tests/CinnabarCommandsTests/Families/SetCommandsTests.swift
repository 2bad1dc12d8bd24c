// SetCommands: SADD/SREM and key deletion, membership, RESP3 sets, encodings and conversions, SPOP and SRANDMEMBER
// shapes and errors, SMOVE, the set algebra with Redis's result order and encodings, SINTERCARD, SSCAN, WRONGTYPE and
// the type-generic commands on sets. Expected orders were checked against Redis 7.2.6.
import CinnabarCommands
import Testing

private func set3(_ items: String...) -> String { "~\(items.count)\r\n" + items.joined() }
private let wrong = err("WRONGTYPE Operation against a key holding the wrong kind of value")

/// The bulk strings of a flat reply, in order.
private func bulks(_ reply: String) -> [String] {
    let lines = reply.split(separator: "\r\n", omittingEmptySubsequences: false).map(String.init)
    var out: [String] = []
    var i = 0
    while i < lines.count {
        if lines[i].hasPrefix("$") && lines[i] != "$-1" {
            out.append(lines[i + 1])
            i += 2
        } else {
            i += 1
        }
    }
    return out
}

@Suite("Set commands")
struct SetCommandsTests {
    @Test("SADD counts new members, SCARD/SISMEMBER/SMISMEMBER read them")
    func basics() {
        let h = Harness()
        #expect(h.callRaw("SADD", "s", "a", "b", "a") == int(2))
        #expect(h.callRaw("SADD", "s", "b", "c") == int(1))
        #expect(h.callRaw("SCARD", "s") == int(3))
        #expect(h.callRaw("SISMEMBER", "s", "a") == int(1))
        #expect(h.callRaw("SISMEMBER", "s", "z") == int(0))
        #expect(h.callRaw("SISMEMBER", "missing", "z") == int(0))
        #expect(h.callRaw("SMISMEMBER", "s", "a", "z", "c") == array(int(1), int(0), int(1)))
        #expect(h.callRaw("SMISMEMBER", "missing", "a", "b") == array(int(0), int(0)))
        #expect(h.callRaw("SCARD", "missing") == int(0))
        #expect(h.callRaw("TYPE", "s") == "+set\r\n")
        #expect(h.callRaw("SMISMEMBER", "s") == err("ERR wrong number of arguments for 'smismember' command"))
    }

    @Test("SMEMBERS: an array in RESP2, a set in RESP3; intsets sorted, listpacks in insertion order")
    func smembers() {
        let h = Harness()
        h.callRaw("SADD", "i", "5", "-1", "3")
        #expect(h.callRaw("SMEMBERS", "i") == array(bulk("-1"), bulk("3"), bulk("5")))
        h.callRaw("SADD", "l", "z", "a", "m")
        #expect(h.callRaw("SMEMBERS", "l") == array(bulk("z"), bulk("a"), bulk("m")))
        // 3 and 1 start an intset; "b" turns it into a listpack of the sorted integers, then "2" is appended.
        h.callRaw("SADD", "m", "3", "1", "b", "2")
        #expect(h.callRaw("OBJECT", "ENCODING", "m") == bulk("listpack"))
        #expect(h.callRaw("SMEMBERS", "m") == array(bulk("1"), bulk("3"), bulk("b"), bulk("2")))
        #expect(h.callRaw("SMEMBERS", "missing") == "*0\r\n")
        let h3 = Harness(resp3: true)
        h3.callRaw("SADD", "i", "2", "1")
        #expect(h3.callRaw("SMEMBERS", "i") == set3(bulk("1"), bulk("2")))
        #expect(h3.callRaw("SMEMBERS", "missing") == "~0\r\n")
        #expect(h3.callRaw("SISMEMBER", "i", "1") == int(1))
    }

    @Test("SREM counts removed members and deletes the key with its last member")
    func srem() {
        let h = Harness()
        h.callRaw("SADD", "s", "1", "2", "3")
        #expect(h.callRaw("SREM", "s", "1", "x", "1") == int(1))
        #expect(h.callRaw("SREM", "s", "2", "3", "4") == int(2))
        #expect(h.callRaw("EXISTS", "s") == int(0))
        #expect(h.callRaw("SREM", "s", "1") == int(0))
    }

    @Test("Encodings: intset up to 512 integers, listpack up to 128 short members, hashtable beyond")
    func encodings() {
        let h = Harness()
        for i in 0..<512 { h.callRaw("SADD", "i", String(i)) }
        #expect(h.callRaw("OBJECT", "ENCODING", "i") == bulk("intset"))
        h.callRaw("SADD", "i", "512")
        #expect(h.callRaw("OBJECT", "ENCODING", "i") == bulk("hashtable"))
        h.callRaw("SADD", "l", "a")
        for i in 0..<127 { h.callRaw("SADD", "l", String(i)) }
        #expect(h.callRaw("OBJECT", "ENCODING", "l") == bulk("listpack"))
        h.callRaw("SADD", "l", "b")
        #expect(h.callRaw("OBJECT", "ENCODING", "l") == bulk("hashtable"))
        h.callRaw("SADD", "v", String(repeating: "x", count: 65))
        #expect(h.callRaw("OBJECT", "ENCODING", "v") == bulk("hashtable"))
        h.callRaw("SADD", "w", "1")
        h.callRaw("SADD", "w", "213244124402402314402033402")
        #expect(h.callRaw("OBJECT", "ENCODING", "w") == bulk("listpack"))
        // A variadic SADD converts up front by its size hint.
        h.callRaw("SADD", "x", "a")
        #expect(h.callRaw(["SADD", "x"] + (0..<129).map { "m\($0)" }) == int(129))
        #expect(h.callRaw("OBJECT", "ENCODING", "x") == bulk("hashtable"))
        h.callRaw(["SADD", "big"] + (0..<513).map(String.init))
        #expect(h.callRaw("OBJECT", "ENCODING", "big") == bulk("hashtable"))
    }

    @Test("CONFIG SET set-max-* changes the thresholds")
    func configThresholds() {
        let h = Harness()
        h.callRaw("CONFIG", "SET", "set-max-intset-entries", "2")
        h.callRaw("CONFIG", "SET", "set-max-listpack-entries", "0")
        h.callRaw("SADD", "i", "1", "2")
        #expect(h.callRaw("OBJECT", "ENCODING", "i") == bulk("intset"))
        h.callRaw("SADD", "i", "3")
        #expect(h.callRaw("OBJECT", "ENCODING", "i") == bulk("hashtable"))
        h.callRaw("SADD", "s", "a")
        #expect(h.callRaw("OBJECT", "ENCODING", "s") == bulk("hashtable"))
    }

    @Test("SPOP without count pops one member and deletes the emptied key")
    func spop() {
        let h = Harness()
        #expect(h.callRaw("SPOP", "missing") == nullBulk)
        h.callRaw("SADD", "s", "only")
        #expect(h.callRaw("SPOP", "s") == bulk("only"))
        #expect(h.callRaw("EXISTS", "s") == int(0))
        #expect(h.callRaw("SPOP", "s", "1", "2") == err("ERR syntax error"))
        #expect(Harness(resp3: true).callRaw("SPOP", "missing") == null3)
    }

    @Test("SPOP with count: errors, empty replies, the whole set in SUNION order, partial pops")
    func spopCount() {
        let h = Harness()
        #expect(h.callRaw("SPOP", "s", "-1") == err("ERR value is out of range, must be positive"))
        #expect(h.callRaw("SPOP", "s", "x") == err("ERR value is out of range, must be positive"))
        #expect(h.callRaw("SPOP", "missing", "3") == "*0\r\n")
        h.callRaw("SADD", "s", "3", "1", "x", "2")
        #expect(h.callRaw("SPOP", "s", "0") == "*0\r\n")
        #expect(h.callRaw("SPOP", "s", "4") == array(bulk("1"), bulk("3"), bulk("x"), bulk("2")))
        #expect(h.callRaw("EXISTS", "s") == int(0))
        for enc in ["i", "l", "h"] {
            let members: [String] = switch enc {
            case "i": (0..<50).map(String.init)
            case "l": (0..<50).map { "m\($0)" }
            default: (0..<300).map { "m\($0)" }
            }
            h.callRaw(["SADD", enc] + members)
            for count in [1, 3, 40] {
                let popped = bulks(h.callRaw("SPOP", enc, String(count)))
                #expect(popped.count == count && Set(popped).count == count, "\(enc) \(count)")
                for m in popped { #expect(h.callRaw("SISMEMBER", enc, m) == int(0)) }
            }
            #expect(h.callRaw("SCARD", enc) == int(members.count - 44))
        }
        let h3 = Harness(resp3: true)
        h3.callRaw("SADD", "s", "a", "b", "c")
        #expect(h3.callRaw("SPOP", "s", "0") == "~0\r\n")
        #expect(h3.callRaw("SPOP", "missing", "2") == "~0\r\n")
        #expect(h3.callRaw("SPOP", "s", "1").hasPrefix("~1\r\n"))
    }

    @Test("SRANDMEMBER: null / empty array, negative counts repeat, positive counts are distinct")
    func srandmember() {
        let h = Harness()
        #expect(h.callRaw("SRANDMEMBER", "missing") == nullBulk)
        #expect(h.callRaw("SRANDMEMBER", "missing", "3") == "*0\r\n")
        h.callRaw("SADD", "s", "a")
        #expect(h.callRaw("SRANDMEMBER", "s") == bulk("a"))
        #expect(h.callRaw("SRANDMEMBER", "s", "0") == "*0\r\n")
        #expect(h.callRaw("SRANDMEMBER", "s", "-3") == array(bulk("a"), bulk("a"), bulk("a")))
        #expect(h.callRaw("SRANDMEMBER", "s", "-9223372036854775808")
            == err("ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807"))
        #expect(h.callRaw("SRANDMEMBER", "s", "1", "2") == err("ERR syntax error"))
        for (key, n) in [("i", 20), ("l", 20), ("t", 300)] {
            let members = key == "i" ? (0..<n).map(String.init) : (0..<n).map { "m\($0)" }
            h.callRaw(["SADD", key] + members)
            for count in [2, 8, 15, n, n + 5] {
                let got = bulks(h.callRaw("SRANDMEMBER", key, String(count)))
                #expect(got.count == min(count, n) && Set(got).count == got.count, "\(key) \(count)")
                #expect(Set(got).isSubset(of: Set(members)))
            }
            #expect(bulks(h.callRaw("SRANDMEMBER", key, "-50")).count == 50)
        }
        // RESP3 keeps the plain array.
        let h3 = Harness(resp3: true)
        h3.callRaw("SADD", "s", "a")
        #expect(h3.callRaw("SRANDMEMBER", "s", "2") == array(bulk("a")))
    }

    @Test("SMOVE: moves, creates the destination, deletes an emptied source, checks types")
    func smove() {
        let h = Harness()
        h.callRaw("SADD", "src", "a", "b")
        #expect(h.callRaw("SMOVE", "src", "dst", "a") == int(1))
        #expect(h.callRaw("SMEMBERS", "dst") == array(bulk("a")))
        #expect(h.callRaw("SMOVE", "src", "dst", "zz") == int(0))
        #expect(h.callRaw("SMOVE", "src", "dst", "b") == int(1))
        #expect(h.callRaw("EXISTS", "src") == int(0))
        #expect(h.callRaw("SMOVE", "dst", "dst", "a") == int(1))
        #expect(h.callRaw("SMOVE", "dst", "dst", "q") == int(0))
        h.callRaw("SET", "str", "v")
        #expect(h.callRaw("SMOVE", "nosuch", "str", "a") == int(0))
        #expect(h.callRaw("SMOVE", "dst", "str", "a") == wrong)
        #expect(h.callRaw("SMOVE", "str", "dst", "a") == wrong)
        h.callRaw("SADD", "ints", "1", "2")
        #expect(h.callRaw("SMOVE", "ints", "newints", "1") == int(1))
        #expect(h.callRaw("OBJECT", "ENCODING", "newints") == bulk("intset"))
    }

    @Test("SUNION / SDIFF / SINTER reply in Redis's order (the result is built through an intset)")
    func algebraOrder() {
        let h = Harness()
        h.callRaw("SADD", "a", "3", "1", "b", "2")
        h.callRaw("SADD", "i", "5", "3", "9")
        #expect(h.callRaw("SUNION", "a", "i")
            == array(bulk("1"), bulk("3"), bulk("b"), bulk("2"), bulk("5"), bulk("9")))
        #expect(h.callRaw("SUNION", "i", "a")
            == array(bulk("1"), bulk("3"), bulk("5"), bulk("9"), bulk("b"), bulk("2")))
        #expect(h.callRaw("SDIFF", "a", "i") == array(bulk("1"), bulk("b"), bulk("2")))
        #expect(h.callRaw("SINTER", "a", "i") == array(bulk("3")))
        #expect(h.callRaw("SUNION", "missing", "i") == array(bulk("3"), bulk("5"), bulk("9")))
        #expect(h.callRaw("SINTER", "a", "missing") == "*0\r\n")
        #expect(h.callRaw("SDIFF", "missing", "a") == "*0\r\n")
        #expect(h.callRaw("SDIFF", "a", "a") == "*0\r\n")
        #expect(h.callRaw("SDIFF", "a", "missing") == array(bulk("1"), bulk("3"), bulk("b"), bulk("2")))
        let h3 = Harness(resp3: true)
        h3.callRaw("SADD", "a", "1")
        #expect(h3.callRaw("SUNION", "a", "missing") == set3(bulk("1")))
        #expect(h3.callRaw("SINTER", "a", "missing") == "~0\r\n")
    }

    @Test("The STORE forms store the result, delete the destination for an empty one, pick Redis's encoding")
    func store() {
        let h = Harness()
        h.callRaw("SADD", "a", "3", "1", "b", "2")
        h.callRaw("SADD", "l", "x", "3")
        #expect(h.callRaw("SINTERSTORE", "d", "a", "l") == int(1))
        #expect(h.callRaw("OBJECT", "ENCODING", "d") == bulk("intset"))
        #expect(h.callRaw("SMEMBERS", "d") == array(bulk("3")))
        #expect(h.callRaw("SUNIONSTORE", "u", "a", "l") == int(5))
        #expect(h.callRaw("SMEMBERS", "u") == array(bulk("1"), bulk("3"), bulk("b"), bulk("2"), bulk("x")))
        #expect(h.callRaw("SDIFFSTORE", "df", "a", "l") == int(3))
        h.callRaw("SET", "str", "v")
        h.callRaw("EXPIRE", "d", "100")
        #expect(h.callRaw("SINTERSTORE", "d", "a", "i") == int(0))
        #expect(h.callRaw("EXISTS", "d") == int(0))
        #expect(h.callRaw("SUNIONSTORE", "str", "a") == int(4))
        #expect(h.callRaw("TYPE", "str") == "+set\r\n")
        #expect(h.callRaw("SDIFFSTORE", "str", "a", "a") == int(0))
        #expect(h.callRaw("EXISTS", "str") == int(0))
        // The destination may be one of the sources.
        h.callRaw("SADD", "x", "1", "2", "3")
        h.callRaw("SADD", "y", "2", "3", "4")
        #expect(h.callRaw("SINTERSTORE", "x", "x", "y") == int(2))
        #expect(h.callRaw("SMEMBERS", "x") == array(bulk("2"), bulk("3")))
        // Integer results of hashtable sets come back as an intset.
        h.callRaw("CONFIG", "SET", "set-max-intset-entries", "10")
        h.callRaw("CONFIG", "SET", "set-max-listpack-entries", "0")
        h.callRaw(["SADD", "h1"] + (0..<20).map(String.init))
        h.callRaw(["SADD", "h2"] + (5..<25).map(String.init))
        #expect(h.callRaw("OBJECT", "ENCODING", "h1") == bulk("hashtable"))
        h.callRaw("CONFIG", "SET", "set-max-intset-entries", "512")
        #expect(h.callRaw("SINTERSTORE", "r", "h1", "h2") == int(15))
        #expect(h.callRaw("OBJECT", "ENCODING", "r") == bulk("intset"))
    }

    @Test("SINTERCARD: counts, LIMIT, and its errors")
    func sintercard() {
        let h = Harness()
        h.callRaw("SADD", "a", "1", "2", "3", "4")
        h.callRaw("SADD", "b", "2", "3", "4", "5")
        #expect(h.callRaw("SINTERCARD", "2", "a", "b") == int(3))
        #expect(h.callRaw("SINTERCARD", "2", "a", "b", "LIMIT", "2") == int(2))
        #expect(h.callRaw("SINTERCARD", "2", "a", "b", "LIMIT", "0") == int(3))
        #expect(h.callRaw("SINTERCARD", "2", "a", "missing") == int(0))
        #expect(h.callRaw("SINTERCARD", "0", "a") == err("ERR numkeys should be greater than 0"))
        #expect(h.callRaw("SINTERCARD", "x", "a") == err("ERR numkeys should be greater than 0"))
        #expect(h.callRaw("SINTERCARD", "3", "a", "b")
            == err("ERR Number of keys can't be greater than number of args"))
        #expect(h.callRaw("SINTERCARD", "1", "a", "LIMIT", "-1") == err("ERR LIMIT can't be negative"))
        #expect(h.callRaw("SINTERCARD", "1", "a", "LIMIT", "x") == err("ERR LIMIT can't be negative"))
        #expect(h.callRaw("SINTERCARD", "1", "a", "LIMIT") == err("ERR syntax error"))
        #expect(h.callRaw("SINTERCARD", "1", "a", "FOO") == err("ERR syntax error"))
        h.callRaw("SET", "str", "v")
        #expect(h.callRaw("SINTERCARD", "2", "a", "str") == wrong)
        #expect(h.callRaw("COMMAND", "GETKEYS", "SINTERCARD", "2", "a", "b", "LIMIT", "1")
            == array(bulk("a"), bulk("b")))
    }

    @Test("Set commands against a string are WRONGTYPE, even with missing sibling keys")
    func wrongType() {
        let h = Harness()
        h.callRaw("SET", "s", "v")
        for args in [["SADD", "s", "a"], ["SREM", "s", "a"], ["SMEMBERS", "s"], ["SISMEMBER", "s", "a"],
                     ["SMISMEMBER", "s", "a"], ["SCARD", "s"], ["SPOP", "s"], ["SPOP", "s", "2"],
                     ["SRANDMEMBER", "s"], ["SRANDMEMBER", "s", "2"], ["SINTER", "missing", "s"],
                     ["SUNION", "missing", "s"], ["SDIFF", "missing", "s"], ["SINTERSTORE", "d", "missing", "s"],
                     ["SUNIONSTORE", "d", "s"], ["SDIFFSTORE", "d", "s"], ["SSCAN", "s", "0"]] {
            #expect(h.callRaw(args) == wrong, "\(args)")
        }
    }

    @Test("SSCAN: compact encodings in one call, MATCH on integers, a hashtable over several calls")
    func sscan() {
        let h = Harness()
        h.callRaw("SADD", "i", "10", "2", "30")
        #expect(h.callRaw("SSCAN", "i", "0") == array(bulk("0"), array(bulk("2"), bulk("10"), bulk("30"))))
        #expect(h.callRaw("SSCAN", "i", "0", "MATCH", "*0") == array(bulk("0"), array(bulk("10"), bulk("30"))))
        #expect(h.callRaw("SSCAN", "i", "0", "NOVALUES") == err("ERR syntax error"))
        #expect(h.callRaw("SSCAN", "missing", "0", "COUNT", "0") == array(bulk("0"), "*0\r\n"))
        #expect(h.callRaw("SSCAN", "i", "abc") == err("ERR invalid cursor"))
        h.callRaw(["SADD", "t"] + (0..<400).map { "m\($0)" })
        var cursor = "0"
        var seen = Set<String>()
        repeat {
            let reply = h.callRaw("SSCAN", "t", cursor, "COUNT", "25")
            let lines = reply.split(separator: "\r\n", omittingEmptySubsequences: false).map(String.init)
            cursor = lines[2]
            for l in lines.dropFirst(3) where l.hasPrefix("m") { seen.insert(l) }
        } while cursor != "0"
        #expect(seen.count == 400)
    }

    @Test("COPY keeps the encoding, DEBUG DIGEST-VALUE matches Redis for every encoding")
    func generic() {
        let h = Harness()
        h.callRaw("SADD", "i", "3", "1", "2")
        h.callRaw("SADD", "c", "c", "b", "a")
        #expect(h.callRaw("DEBUG", "DIGEST-VALUE", "i", "c")
            == array("+2a462a3f51a1db89738ebbeef0c47ce1bbc85246\r\n", "+593c2414786d75446e97f4ea5d4b731f3313da72\r\n"))
        #expect(h.callRaw("COPY", "i", "j") == int(1))
        #expect(h.callRaw("OBJECT", "ENCODING", "j") == bulk("intset"))
        h.callRaw("SADD", "i", "4")
        #expect(h.callRaw("SCARD", "j") == int(3))
        h.callRaw("CONFIG", "SET", "set-max-intset-entries", "1")
        h.callRaw("CONFIG", "SET", "set-max-listpack-entries", "0")
        h.callRaw("SADD", "t", "3", "1", "2")
        #expect(h.callRaw("OBJECT", "ENCODING", "t") == bulk("hashtable"))
        #expect(h.callRaw("DEBUG", "DIGEST-VALUE", "t") == array("+2a462a3f51a1db89738ebbeef0c47ce1bbc85246\r\n"))
        #expect(h.callRaw("MEMORY", "USAGE", "t").hasPrefix(":"))
    }

    @Test("Writes signal one modification per changed key; no-op writes signal none")
    func modificationSignals() {
        let h = Harness()
        var modified: [String] = []
        h.server.keyspace.onKeyModified = { _, key in modified.append(String(decoding: key, as: UTF8.self)) }
        h.callRaw("SADD", "s", "a", "b")
        h.callRaw("SADD", "s", "a")
        h.callRaw("SREM", "s", "zz")
        h.callRaw("SMOVE", "s", "t", "a")
        h.callRaw("SPOP", "s", "5")
        h.callRaw("SISMEMBER", "t", "a")
        #expect(modified == ["s", "s", "t", "s"])
    }
}
