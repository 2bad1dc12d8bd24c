// ListCommands: pushes and pops (with COUNT), LMPOP, positional commands, LMOVE, encodings and their conversions,
// error texts and argument-check order, and the non-blocking behaviour of the blocking forms. Replies were checked
// against Redis 7.2.6.
import CinnabarCommands
import Testing

private let wrong = err("WRONGTYPE Operation against a key holding the wrong kind of value")

@Suite("List commands")
struct ListCommandsTests {
    @Test("LPUSH/RPUSH return the length; LRANGE reads with negative and clamped indexes")
    func pushRange() {
        let h = Harness()
        #expect(h.callRaw("RPUSH", "l", "a", "b", "c") == int(3))
        #expect(h.callRaw("LPUSH", "l", "y", "z") == int(5))
        #expect(h.callRaw("LRANGE", "l", "0", "-1") == array(bulk("z"), bulk("y"), bulk("a"), bulk("b"), bulk("c")))
        #expect(h.callRaw("LRANGE", "l", "-2", "100") == array(bulk("b"), bulk("c")))
        #expect(h.callRaw("LRANGE", "l", "-100", "0") == array(bulk("z")))
        #expect(h.callRaw("LRANGE", "l", "3", "1") == "*0\r\n")
        #expect(h.callRaw("LRANGE", "l", "5", "10") == "*0\r\n")
        #expect(h.callRaw("LRANGE", "missing", "0", "-1") == "*0\r\n")
        #expect(h.callRaw("LRANGE", "l", "x", "1") == err("ERR value is not an integer or out of range"))
        #expect(h.callRaw("TYPE", "l") == "+list\r\n")
        #expect(h.callRaw("LLEN", "l") == int(5))
        #expect(h.callRaw("LLEN", "missing") == int(0))
    }

    @Test("LPUSHX/RPUSHX only push onto existing lists")
    func pushx() {
        let h = Harness()
        #expect(h.callRaw("LPUSHX", "l", "a") == int(0))
        #expect(h.callRaw("EXISTS", "l") == int(0))
        h.callRaw("RPUSH", "l", "b")
        #expect(h.callRaw("LPUSHX", "l", "a") == int(2))
        #expect(h.callRaw("RPUSHX", "l", "c", "d") == int(4))
        #expect(h.callRaw("LRANGE", "l", "0", "-1") == array(bulk("a"), bulk("b"), bulk("c"), bulk("d")))
    }

    @Test("LPOP/RPOP with and without count; the last pop deletes the key")
    func pops() {
        let h = Harness()
        h.callRaw("RPUSH", "l", "a", "b", "c", "d")
        #expect(h.callRaw("LPOP", "l") == bulk("a"))
        #expect(h.callRaw("RPOP", "l") == bulk("d"))
        #expect(h.callRaw("RPUSH", "l", "e", "f") == int(4))
        #expect(h.callRaw("RPOP", "l", "2") == array(bulk("f"), bulk("e")))
        #expect(h.callRaw("LPOP", "l", "0") == "*0\r\n")
        #expect(h.callRaw("LPOP", "l", "10") == array(bulk("b"), bulk("c")))
        #expect(h.callRaw("EXISTS", "l") == int(0))
        #expect(h.callRaw("LPOP", "l") == "$-1\r\n")
        #expect(h.callRaw("LPOP", "l", "1") == "*-1\r\n")
        #expect(h.callRaw("LPOP", "l", "-1") == err("ERR value is out of range, must be positive"))
        #expect(h.callRaw("LPOP", "l", "1", "2") == err("ERR wrong number of arguments for 'lpop' command"))
        let h3 = Harness(resp3: true)
        #expect(h3.callRaw("LPOP", "l") == "_\r\n")
        #expect(h3.callRaw("LPOP", "l", "3") == "_\r\n")
    }

    @Test("LINDEX and LSET with negative indexes and Redis's errors")
    func indexes() {
        let h = Harness()
        h.callRaw("RPUSH", "l", "a", "b", "c")
        #expect(h.callRaw("LINDEX", "l", "0") == bulk("a"))
        #expect(h.callRaw("LINDEX", "l", "-1") == bulk("c"))
        #expect(h.callRaw("LINDEX", "l", "3") == "$-1\r\n")
        #expect(h.callRaw("LINDEX", "missing", "x") == "$-1\r\n")
        #expect(h.callRaw("LINDEX", "l", "x") == err("ERR value is not an integer or out of range"))
        #expect(h.callRaw("LSET", "l", "-2", "B") == "+OK\r\n")
        #expect(h.callRaw("LSET", "l", "3", "x") == err("ERR index out of range"))
        #expect(h.callRaw("LSET", "missing", "0", "x") == err("ERR no such key"))
        #expect(h.callRaw("LRANGE", "l", "0", "-1") == array(bulk("a"), bulk("B"), bulk("c")))
    }

    @Test("LINSERT before/after a pivot; -1 without pivot, 0 without key, syntax error first")
    func linsert() {
        let h = Harness()
        h.callRaw("RPUSH", "l", "a", "c")
        #expect(h.callRaw("LINSERT", "l", "BEFORE", "c", "b") == int(3))
        #expect(h.callRaw("LINSERT", "l", "after", "c", "d") == int(4))
        #expect(h.callRaw("LINSERT", "l", "after", "zz", "d") == int(-1))
        #expect(h.callRaw("LINSERT", "missing", "after", "a", "b") == int(0))
        #expect(h.callRaw("LINSERT", "missing", "middle", "a", "b") == err("ERR syntax error"))
        #expect(h.callRaw("LRANGE", "l", "0", "-1") == array(bulk("a"), bulk("b"), bulk("c"), bulk("d")))
    }

    @Test("LREM from the head, from the tail, or all")
    func lrem() {
        let h = Harness()
        h.callRaw("RPUSH", "l", "x", "a", "x", "b", "x", "c", "x")
        #expect(h.callRaw("LREM", "l", "2", "x") == int(2))
        #expect(h.callRaw("LRANGE", "l", "0", "-1") == array(bulk("a"), bulk("b"), bulk("x"), bulk("c"), bulk("x")))
        #expect(h.callRaw("LREM", "l", "-1", "x") == int(1))
        #expect(h.callRaw("LRANGE", "l", "0", "-1") == array(bulk("a"), bulk("b"), bulk("x"), bulk("c")))
        #expect(h.callRaw("LREM", "l", "0", "x") == int(1))
        #expect(h.callRaw("LREM", "l", "0", "nothing") == int(0))
        #expect(h.callRaw("LREM", "missing", "0", "x") == int(0))
        #expect(h.callRaw("LREM", "l", "0", "a") == int(1))
        #expect(h.callRaw("LREM", "l", "0", "b") == int(1))
        #expect(h.callRaw("LREM", "l", "0", "c") == int(1))
        #expect(h.callRaw("EXISTS", "l") == int(0))
    }

    @Test("LTRIM keeps a range; an empty range deletes the key")
    func ltrim() {
        let h = Harness()
        h.callRaw("RPUSH", "l", "a", "b", "c", "d", "e")
        #expect(h.callRaw("LTRIM", "l", "1", "-2") == "+OK\r\n")
        #expect(h.callRaw("LRANGE", "l", "0", "-1") == array(bulk("b"), bulk("c"), bulk("d")))
        #expect(h.callRaw("LTRIM", "missing", "0", "1") == "+OK\r\n")
        #expect(h.callRaw("LTRIM", "l", "5", "10") == "+OK\r\n")
        #expect(h.callRaw("EXISTS", "l") == int(0))
    }

    @Test("LPOS with RANK, COUNT and MAXLEN, and its errors")
    func lpos() {
        let h = Harness()
        h.callRaw("RPUSH", "l", "a", "b", "c", "1", "2", "3", "c", "c")
        #expect(h.callRaw("LPOS", "l", "c") == int(2))
        #expect(h.callRaw("LPOS", "l", "c", "RANK", "2") == int(6))
        #expect(h.callRaw("LPOS", "l", "c", "RANK", "-1") == int(7))
        #expect(h.callRaw("LPOS", "l", "c", "COUNT", "0") == array(int(2), int(6), int(7)))
        #expect(h.callRaw("LPOS", "l", "c", "COUNT", "2", "RANK", "-1") == array(int(7), int(6)))
        #expect(h.callRaw("LPOS", "l", "c", "COUNT", "0", "MAXLEN", "7") == array(int(2), int(6)))
        #expect(h.callRaw("LPOS", "l", "x") == "$-1\r\n")
        #expect(h.callRaw("LPOS", "l", "x", "COUNT", "5") == "*0\r\n")
        #expect(h.callRaw("LPOS", "missing", "x", "COUNT", "5") == "*0\r\n")
        #expect(h.callRaw("LPOS", "l", "c", "RANK", "0") == err(
            "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list"))
        #expect(h.callRaw("LPOS", "l", "c", "COUNT", "-1") == err("ERR COUNT can't be negative"))
        #expect(h.callRaw("LPOS", "l", "c", "MAXLEN", "-1") == err("ERR MAXLEN can't be negative"))
        #expect(h.callRaw("LPOS", "l", "c", "RANK") == err("ERR syntax error"))
    }

    @Test("LMOVE and RPOPLPUSH between lists and onto the same list")
    func lmove() {
        let h = Harness()
        h.callRaw("RPUSH", "src", "a", "b", "c")
        #expect(h.callRaw("LMOVE", "src", "dst", "LEFT", "RIGHT") == bulk("a"))
        #expect(h.callRaw("RPOPLPUSH", "src", "dst") == bulk("c"))
        #expect(h.callRaw("LRANGE", "dst", "0", "-1") == array(bulk("c"), bulk("a")))
        #expect(h.callRaw("LMOVE", "dst", "dst", "LEFT", "RIGHT") == bulk("c"))
        #expect(h.callRaw("LRANGE", "dst", "0", "-1") == array(bulk("a"), bulk("c")))
        #expect(h.callRaw("LMOVE", "src", "dst", "RIGHT", "LEFT") == bulk("b"))
        #expect(h.callRaw("EXISTS", "src") == int(0))
        #expect(h.callRaw("LMOVE", "src", "dst", "LEFT", "LEFT") == "$-1\r\n")
        #expect(h.callRaw("LMOVE", "dst", "x", "UP", "LEFT") == err("ERR syntax error"))
        h.callRaw("SET", "str", "v")
        #expect(h.callRaw("LMOVE", "dst", "str", "LEFT", "LEFT") == wrong)
        #expect(h.callRaw("LLEN", "dst") == int(3))
    }

    @Test("LMPOP pops from the first non-empty key; numkeys and count errors")
    func lmpop() {
        let h = Harness()
        h.callRaw("RPUSH", "b", "1", "2", "3")
        #expect(h.callRaw("LMPOP", "2", "a", "b", "LEFT") == array(bulk("b"), array(bulk("1"))))
        #expect(h.callRaw("LMPOP", "2", "a", "b", "RIGHT", "COUNT", "5") == array(bulk("b"), array(bulk("3"), bulk("2"))))
        #expect(h.callRaw("LMPOP", "2", "a", "b", "RIGHT") == "*-1\r\n")
        #expect(h.callRaw("LMPOP", "0", "a", "LEFT") == err("ERR numkeys should be greater than 0"))
        #expect(h.callRaw("LMPOP", "1", "a", "LEFT", "COUNT", "0") == err("ERR count should be greater than 0"))
        #expect(h.callRaw("LMPOP", "5", "a", "LEFT") == err("ERR syntax error"))
    }

    @Test("Blocking forms answer at once when a key has elements, and their timeout errors")
    func blockingImmediate() {
        let h = Harness()
        h.callRaw("RPUSH", "l", "a", "b")
        #expect(h.callRaw("BLPOP", "none", "l", "0") == array(bulk("l"), bulk("a")))
        #expect(h.callRaw("BRPOP", "l", "1.5") == array(bulk("l"), bulk("b")))
        #expect(h.callRaw("BLPOP", "l", "-1") == err("ERR timeout is negative"))
        #expect(h.callRaw("BLPOP", "l", "abc") == err("ERR timeout is not a float or out of range"))
        h.callRaw("RPUSH", "l", "x")
        #expect(h.callRaw("BLMOVE", "l", "d", "LEFT", "LEFT", "0") == bulk("x"))
        #expect(h.callRaw("BLMPOP", "0", "1", "d", "LEFT", "COUNT", "2") == array(bulk("d"), array(bulk("x"))))
        h.callRaw("SET", "s", "v")
        #expect(h.callRaw("BLPOP", "s", "0") == wrong)
    }

    @Test("Encodings: listpack until list-max-listpack-size is passed, back to listpack at half the limit")
    func encodings() {
        let h = Harness()
        h.callRaw("CONFIG", "SET", "list-max-listpack-size", "4")
        h.callRaw("RPUSH", "l", "a", "b", "c", "d")
        #expect(h.callRaw("OBJECT", "ENCODING", "l") == bulk("listpack"))
        h.callRaw("RPUSH", "l", "e")
        #expect(h.callRaw("OBJECT", "ENCODING", "l") == bulk("quicklist"))
        h.callRaw("RPOP", "l", "2")
        #expect(h.callRaw("OBJECT", "ENCODING", "l") == bulk("quicklist"))
        h.callRaw("RPOP", "l")
        #expect(h.callRaw("OBJECT", "ENCODING", "l") == bulk("listpack"))
        #expect(h.callRaw("LRANGE", "l", "0", "-1") == array(bulk("a"), bulk("b")))
        // The default -2 is a size limit of 8 KB.
        h.callRaw("CONFIG", "SET", "list-max-listpack-size", "-2")
        h.callRaw("RPUSH", "big", String(repeating: "x", count: 8000))
        #expect(h.callRaw("OBJECT", "ENCODING", "big") == bulk("listpack"))
        h.callRaw("RPUSH", "big", String(repeating: "y", count: 500))
        #expect(h.callRaw("OBJECT", "ENCODING", "big") == bulk("quicklist"))
    }

    @Test("A large quicklist keeps order through pushes, inserts, removals and trims at both ends")
    func largeList() {
        let h = Harness()
        h.callRaw("CONFIG", "SET", "list-max-listpack-size", "16")
        var model: [String] = []
        for i in 0..<300 {
            if i % 2 == 0 {
                h.callRaw("RPUSH", "l", "v\(i)")
                model.append("v\(i)")
            } else {
                h.callRaw("LPUSH", "l", "v\(i)")
                model.insert("v\(i)", at: 0)
            }
        }
        #expect(h.callRaw("LINSERT", "l", "BEFORE", "v150", "ins") == int(301))
        model.insert("ins", at: model.firstIndex(of: "v150")!)
        #expect(h.callRaw("LSET", "l", "200", String(repeating: "z", count: 100)) == "+OK\r\n")
        model[200] = String(repeating: "z", count: 100)
        let victim = model[250]
        #expect(h.callRaw("LREM", "l", "-1", victim) == int(1))
        model.remove(at: model.lastIndex(of: victim)!)
        #expect(h.callRaw("LTRIM", "l", "7", "-9") == "+OK\r\n")
        model = Array(model[7..<(model.count - 8)])
        #expect(h.callRaw("LRANGE", "l", "0", "-1") == "*\(model.count)\r\n" + model.map(bulk).joined())
        for i in stride(from: 0, to: model.count, by: 37) {
            #expect(h.callRaw("LINDEX", "l", "\(i)") == bulk(model[i]))
            #expect(h.callRaw("LINDEX", "l", "\(i - model.count)") == bulk(model[i]))
        }
        #expect(h.callRaw("LPOS", "l", "v151") == int(model.firstIndex(of: "v151")!))
    }

    @Test("WRONGTYPE for every list command on another type")
    func wrongType() {
        let h = Harness()
        h.callRaw("SET", "s", "v")
        for args in [["LPUSH", "s", "a"], ["RPOP", "s"], ["LLEN", "s"], ["LRANGE", "s", "0", "1"],
                     ["LINDEX", "s", "0"], ["LSET", "s", "0", "a"], ["LREM", "s", "0", "a"], ["LTRIM", "s", "0", "1"],
                     ["LPOS", "s", "a"], ["LINSERT", "s", "BEFORE", "a", "b"], ["RPOPLPUSH", "s", "d"]] {
            #expect(h.callRaw(args) == wrong, "\(args)")
        }
    }

    @Test("Type-generic commands on lists: COPY, RENAME, DEBUG DIGEST-VALUE, MEMORY USAGE")
    func generic() {
        let h = Harness()
        h.callRaw("RPUSH", "l", "a", "b")
        #expect(h.callRaw("COPY", "l", "c") == int(1))
        h.callRaw("RPUSH", "c", "x")
        #expect(h.callRaw("LLEN", "l") == int(2))
        #expect(h.callRaw("RENAME", "c", "d") == "+OK\r\n")
        #expect(h.callRaw("LRANGE", "d", "0", "-1") == array(bulk("a"), bulk("b"), bulk("x")))
        h.callRaw("RPUSH", "e", "a", "b")
        #expect(h.callRaw("DEBUG", "DIGEST-VALUE", "l") == h.callRaw("DEBUG", "DIGEST-VALUE", "e"))
        #expect(h.callRaw("DEBUG", "DIGEST-VALUE", "l") != h.callRaw("DEBUG", "DIGEST-VALUE", "d"))
        #expect(h.callRaw("MEMORY", "USAGE", "l").hasPrefix(":"))
    }

    @Test("SORT numeric, ALPHA, DESC, LIMIT, BY, GET and STORE")
    func sort() {
        let h = Harness()
        h.callRaw("RPUSH", "l", "3", "1", "2")
        #expect(h.callRaw("SORT", "l") == array(bulk("1"), bulk("2"), bulk("3")))
        #expect(h.callRaw("SORT", "l", "DESC", "LIMIT", "0", "2") == array(bulk("3"), bulk("2")))
        h.callRaw("MSET", "w_1", "30", "w_2", "10", "w_3", "20", "o_1", "one", "o_3", "three")
        #expect(h.callRaw("SORT", "l", "BY", "w_*") == array(bulk("2"), bulk("3"), bulk("1")))
        #expect(h.callRaw("SORT", "l", "BY", "nosort", "GET", "#", "GET", "o_*") ==
            array(bulk("3"), bulk("three"), bulk("1"), bulk("one"), bulk("2"), "$-1\r\n"))
        h.callRaw("HSET", "h_1", "f", "b")
        h.callRaw("HSET", "h_2", "f", "a")
        #expect(h.callRaw("SORT", "l", "BY", "h_*->f", "ALPHA") == array(bulk("3"), bulk("2"), bulk("1")))
        h.callRaw("RPUSH", "words", "pear", "apple")
        #expect(h.callRaw("SORT", "words") == err("ERR One or more scores can't be converted into double"))
        #expect(h.callRaw("SORT", "words", "ALPHA") == array(bulk("apple"), bulk("pear")))
        #expect(h.callRaw("SORT", "l", "STORE", "out") == int(3))
        #expect(h.callRaw("LRANGE", "out", "0", "-1") == array(bulk("1"), bulk("2"), bulk("3")))
        #expect(h.callRaw("SORT", "missing", "STORE", "out") == int(0))
        #expect(h.callRaw("EXISTS", "out") == int(0))
        #expect(h.callRaw("SORT_RO", "l", "STORE", "out") == err("ERR syntax error"))
        h.callRaw("SADD", "set", "b", "a")
        #expect(h.callRaw("SORT", "set", "ALPHA") == array(bulk("a"), bulk("b")))
        h.callRaw("ZADD", "z", "1", "x", "2", "y", "3", "w")
        #expect(h.callRaw("SORT", "z", "BY", "nosort", "DESC", "LIMIT", "0", "2") == array(bulk("w"), bulk("y")))
        #expect(h.callRaw("SORT", "z", "LIMIT", "a", "1") == err("ERR value is not an integer or out of range"))
    }
}
