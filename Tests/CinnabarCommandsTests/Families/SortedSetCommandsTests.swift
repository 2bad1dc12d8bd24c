// SortedSetCommands: ZADD options and errors, scores and ranks, the ZRANGE family in every form, deletions by range,
// pops, ZRANDMEMBER, the set algebra with weights, aggregates and sets as inputs, ZSCAN, encodings and conversion,
// and the type-generic commands on sorted sets. Exact RESP2 and RESP3 bytes.
import CinnabarCommands
import Testing

/// A RESP3 double.
private func dbl(_ s: String) -> String { ",\(s)\r\n" }

/// A fresh harness after running `setup`, one command per line.
private func harness(resp3: Bool = false, _ setup: String...) -> Harness {
    let h = Harness(resp3: resp3)
    for line in setup { h.callLine(line) }
    return h
}

@Suite("Sorted set commands")
struct SortedSetCommandsTests {
    // MARK: - ZADD and ZINCRBY

    @Test("ZADD adds members and replies the number added; CH counts updates too")
    func zaddBasics() {
        let h = Harness()
        #expect(h.callLine("ZADD z 1 a 2 b 3 c") == int(3))
        #expect(h.callLine("ZADD z 1 a 5 b 4 d") == int(1))
        #expect(h.callLine("ZADD z CH 1 a 6 b 7 e") == int(2))
        #expect(h.callLine("ZRANGE z 0 -1 WITHSCORES")
            == array(bulk("a"), bulk("1"), bulk("c"), bulk("3"), bulk("d"), bulk("4"), bulk("b"), bulk("6"),
                     bulk("e"), bulk("7")))
    }

    @Test("ZADD NX, XX, GT, LT and their combinations")
    func zaddConditions() {
        let h = harness("ZADD z 10 a 20 b")
        #expect(h.callLine("ZADD z NX 1 a 30 c") == int(1))
        #expect(h.callLine("ZSCORE z a") == bulk("10"))
        #expect(h.callLine("ZADD z XX 1 a 40 d") == int(0))
        #expect(h.callLine("ZSCORE z a") == bulk("1"))
        #expect(h.callLine("ZSCORE z d") == nullBulk)
        #expect(h.callLine("ZADD z GT CH 5 a 5 b 50 e") == int(2))
        #expect(h.callLine("ZRANGE z 0 -1 WITHSCORES")
            == array(bulk("a"), bulk("5"), bulk("b"), bulk("20"), bulk("c"), bulk("30"), bulk("e"), bulk("50")))
        #expect(h.callLine("ZADD z LT CH 1 a 100 b") == int(1))
        #expect(h.callLine("ZADD z XX GT CH 6 a 7 new") == int(1))
        #expect(h.callLine("ZSCORE z new") == nullBulk)
        #expect(h.callLine("ZADD missing XX 1 a") == int(0))
        #expect(h.callLine("EXISTS missing") == int(0))
    }

    @Test("ZADD option errors, in Redis's order of checks")
    func zaddErrors() {
        let h = harness("ZADD z 1 a")
        #expect(h.callLine("ZADD z NX XX 1 a") == err("ERR XX and NX options at the same time are not compatible"))
        #expect(h.callLine("ZADD z GT LT 1 a") == err("ERR GT, LT, and/or NX options at the same time are not compatible"))
        #expect(h.callLine("ZADD z NX GT 1 a") == err("ERR GT, LT, and/or NX options at the same time are not compatible"))
        #expect(h.callLine("ZADD z INCR 1 a 2 b") == err("ERR INCR option supports a single increment-element pair"))
        #expect(h.callLine("ZADD z 1 a 2") == err("ERR syntax error"))
        #expect(h.callLine("ZADD z NX 1") == err("ERR syntax error"))
        #expect(h.callLine("ZADD z 1 a x b") == err("ERR value is not a valid float"))
        #expect(h.callLine("ZADD z nan a") == err("ERR value is not a valid float"))
        // Nothing was added by the failed variadic call.
        #expect(h.callLine("ZCARD z") == int(1))
        #expect(h.callLine("ZADD") == err("ERR wrong number of arguments for 'zadd' command"))
        #expect(h.callLine("SET s x") == ok)
        #expect(h.callLine("ZADD s 1 a") == err("WRONGTYPE Operation against a key holding the wrong kind of value"))
    }

    @Test("ZINCRBY and ZADD INCR reply the new score; NaN results are refused")
    func zincrby() {
        let h = Harness()
        #expect(h.callLine("ZINCRBY z 2.5 a") == bulk("2.5"))
        #expect(h.callLine("ZINCRBY z -1 a") == bulk("1.5"))
        #expect(h.callLine("ZADD z INCR 1 a") == bulk("2.5"))
        #expect(h.callLine("ZADD z XX INCR 1 nope") == nullBulk)
        #expect(h.callLine("ZADD z GT INCR -1 a") == nullBulk)
        #expect(h.callLine("ZINCRBY z +inf a") == bulk("inf"))
        #expect(h.callLine("ZINCRBY z -inf a") == err("ERR resulting score is not a number (NaN)"))
        #expect(h.callLine("ZSCORE z a") == bulk("inf"))
        #expect(h.callLine("ZINCRBY z NX a") == err("ERR syntax error"))
        #expect(h.callLine("ZINCRBY z x a") == err("ERR value is not a valid float"))
        let h3 = Harness(resp3: true)
        #expect(h3.callLine("ZINCRBY z 0.1 a") == dbl("0.1"))
        #expect(h3.callLine("ZADD z XX INCR 1 nope") == null3)
    }

    // MARK: - Reads

    @Test("ZSCORE, ZMSCORE, ZCARD: bulk strings in RESP2, doubles in RESP3")
    func scores() {
        let h = harness("ZADD z 1.5 a -inf b 1e20 c 100000000 d")
        #expect(h.callLine("ZSCORE z a") == bulk("1.5"))
        #expect(h.callLine("ZSCORE z b") == bulk("-inf"))
        #expect(h.callLine("ZSCORE z c") == bulk("1e+20"))
        #expect(h.callLine("ZSCORE z d") == bulk("100000000"))
        #expect(h.callLine("ZSCORE missing a") == nullBulk)
        #expect(h.callLine("ZMSCORE z a nope c") == array(bulk("1.5"), nullBulk, bulk("1e+20")))
        #expect(h.callLine("ZMSCORE missing a") == array(nullBulk))
        #expect(h.callLine("ZCARD z") == int(4))
        #expect(h.callLine("ZCARD missing") == int(0))
        let h3 = harness(resp3: true, "ZADD z 1.5 a")
        #expect(h3.callLine("ZSCORE z a") == dbl("1.5"))
        #expect(h3.callLine("ZMSCORE z a nope") == array(dbl("1.5"), null3))
    }

    @Test("ZRANK and ZREVRANK with and without WITHSCORE")
    func ranks() {
        let h = harness("ZADD z 1 a 2 b 3 c")
        #expect(h.callLine("ZRANK z b") == int(1))
        #expect(h.callLine("ZREVRANK z a") == int(2))
        #expect(h.callLine("ZRANK z c WITHSCORE") == array(int(2), bulk("3")))
        #expect(h.callLine("ZRANK z nope") == nullBulk)
        #expect(h.callLine("ZRANK z nope WITHSCORE") == "*-1\r\n")
        #expect(h.callLine("ZRANK missing a WITHSCORE") == "*-1\r\n")
        #expect(h.callLine("ZRANK z a foo") == err("ERR syntax error"))
        #expect(h.callLine("ZRANK z a withscore x") == err("ERR wrong number of arguments for 'zrank' command"))
        let h3 = harness(resp3: true, "ZADD z 1 a 2.5 b")
        #expect(h3.callLine("ZREVRANK z b WITHSCORE") == array(int(0), dbl("2.5")))
        #expect(h3.callLine("ZRANK z nope WITHSCORE") == null3)
    }

    @Test("ZCOUNT and ZLEXCOUNT with inclusive and exclusive bounds")
    func counts() {
        let h = harness("ZADD z 1 a 2 b 3 c 4 d", "ZADD lex 0 a 0 b 0 c 0 d")
        #expect(h.callLine("ZCOUNT z -inf +inf") == int(4))
        #expect(h.callLine("ZCOUNT z (1 3") == int(2))
        #expect(h.callLine("ZCOUNT z (1 (3") == int(1))
        #expect(h.callLine("ZCOUNT z 3 1") == int(0))
        #expect(h.callLine("ZCOUNT z x 1") == err("ERR min or max is not a float"))
        #expect(h.callLine("ZCOUNT z (nan 1") == err("ERR min or max is not a float"))
        #expect(h.callLine("ZLEXCOUNT lex - +") == int(4))
        #expect(h.callLine("ZLEXCOUNT lex [b (d") == int(2))
        #expect(h.callLine("ZLEXCOUNT lex + -") == int(0))
        #expect(h.callLine("ZLEXCOUNT lex a +") == err("ERR min or max not valid string range item"))
        #expect(h.callLine("ZLEXCOUNT lex -x +") == err("ERR min or max not valid string range item"))
        #expect(h.callLine("ZCOUNT missing 0 1") == int(0))
    }

    // MARK: - The ZRANGE family

    @Test("ZRANGE by rank: negative indexes, REV, WITHSCORES in RESP2 and RESP3")
    func zrangeRank() {
        let h = harness("ZADD z 1 a 2 b 3 c 4 d")
        #expect(h.callLine("ZRANGE z 0 -1") == array(bulk("a"), bulk("b"), bulk("c"), bulk("d")))
        #expect(h.callLine("ZRANGE z -2 10") == array(bulk("c"), bulk("d")))
        #expect(h.callLine("ZRANGE z 2 1") == array())
        #expect(h.callLine("ZRANGE z 0 0 REV WITHSCORES") == array(bulk("d"), bulk("4")))
        #expect(h.callLine("ZREVRANGE z 1 2") == array(bulk("c"), bulk("b")))
        #expect(h.callLine("ZRANGE missing 0 -1") == array())
        #expect(h.callLine("ZRANGE z 0 -1 LIMIT 0 1")
            == err("ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX"))
        // LIMIT with count -1 is accepted for ranks, as in Redis.
        #expect(h.callLine("ZRANGE z 0 0 LIMIT 5 -1") == array(bulk("a")))
        #expect(h.callLine("ZRANGE z a 1") == err("ERR value is not an integer or out of range"))
        #expect(h.callLine("ZREVRANGE z 0 1 REV") == err("ERR syntax error"))
        let h3 = harness(resp3: true, "ZADD z 1 a 2 b")
        #expect(h3.callLine("ZRANGE z 0 -1 WITHSCORES") == array(array(bulk("a"), dbl("1")), array(bulk("b"), dbl("2"))))
        #expect(h3.callLine("ZRANGE z 0 -1") == array(bulk("a"), bulk("b")))
    }

    @Test("ZRANGEBYSCORE and ZREVRANGEBYSCORE with LIMIT, and ZRANGE BYSCORE REV")
    func zrangeScore() {
        let h = harness("ZADD z 1 a 2 b 3 c 4 d 5 e")
        #expect(h.callLine("ZRANGEBYSCORE z (1 4") == array(bulk("b"), bulk("c"), bulk("d")))
        #expect(h.callLine("ZRANGEBYSCORE z -inf +inf LIMIT 1 2 WITHSCORES")
            == array(bulk("b"), bulk("2"), bulk("c"), bulk("3")))
        #expect(h.callLine("ZRANGEBYSCORE z -inf +inf LIMIT 3 -1") == array(bulk("d"), bulk("e")))
        #expect(h.callLine("ZRANGEBYSCORE z -inf +inf LIMIT -1 2") == array())
        #expect(h.callLine("ZRANGEBYSCORE z -inf +inf LIMIT 9 2") == array())
        #expect(h.callLine("ZREVRANGEBYSCORE z 4 (1 LIMIT 1 5") == array(bulk("c"), bulk("b")))
        #expect(h.callLine("ZRANGE z 4 (1 BYSCORE REV LIMIT 0 2") == array(bulk("d"), bulk("c")))
        #expect(h.callLine("ZRANGEBYSCORE z 3 1") == array())
        #expect(h.callLine("ZRANGEBYSCORE z 1 x") == err("ERR min or max is not a float"))
        #expect(h.callLine("ZRANGEBYSCORE z 1 2 LIMIT 0") == err("ERR syntax error"))
    }

    @Test("ZRANGEBYLEX and ZREVRANGEBYLEX; WITHSCORES is refused with BYLEX")
    func zrangeLex() {
        let h = harness("ZADD z 0 alpha 0 bar 0 cool 0 down 0 elephant")
        #expect(h.callLine("ZRANGEBYLEX z [bar (down") == array(bulk("bar"), bulk("cool")))
        #expect(h.callLine("ZRANGEBYLEX z - + LIMIT 1 2") == array(bulk("bar"), bulk("cool")))
        #expect(h.callLine("ZREVRANGEBYLEX z + (cool") == array(bulk("elephant"), bulk("down")))
        #expect(h.callLine("ZRANGE z [c + BYLEX") == array(bulk("cool"), bulk("down"), bulk("elephant")))
        #expect(h.callLine("ZRANGE z - + BYLEX WITHSCORES")
            == err("ERR syntax error, WITHSCORES not supported in combination with BYLEX"))
        #expect(h.callLine("ZRANGEBYLEX z bar +") == err("ERR min or max not valid string range item"))
    }

    @Test("ZRANGESTORE stores a range, deletes the destination for an empty one")
    func zrangestore() {
        let h = harness("ZADD src 1 a 2 b 3 c", "SET dst x")
        #expect(h.callLine("ZRANGESTORE dst src 1 -1") == int(2))
        #expect(h.callLine("ZRANGE dst 0 -1 WITHSCORES") == array(bulk("b"), bulk("2"), bulk("c"), bulk("3")))
        #expect(h.callLine("ZRANGESTORE dst src (1 +inf BYSCORE LIMIT 0 1") == int(1))
        #expect(h.callLine("ZRANGE dst 0 -1") == array(bulk("b")))
        #expect(h.callLine("ZRANGESTORE dst src 5 10") == int(0))
        #expect(h.callLine("EXISTS dst") == int(0))
        #expect(h.callLine("ZRANGESTORE dst missing 0 -1") == int(0))
        #expect(h.callLine("ZRANGESTORE dst src 0 -1 WITHSCORES") == err("ERR syntax error"))
    }

    // MARK: - Deletions

    @Test("ZREM and the ZREMRANGEBY* commands delete the key once it is empty")
    func removals() {
        let h = harness("ZADD z 1 a 2 b 3 c 4 d 5 e", "ZADD lex 0 a 0 b 0 c")
        #expect(h.callLine("ZREM z a nope") == int(1))
        #expect(h.callLine("ZREMRANGEBYRANK z -1 -1") == int(1))
        #expect(h.callLine("ZREMRANGEBYSCORE z (2 +inf") == int(2))
        #expect(h.callLine("ZRANGE z 0 -1") == array(bulk("b")))
        #expect(h.callLine("ZREMRANGEBYRANK z 5 10") == int(0))
        #expect(h.callLine("ZREM z b") == int(1))
        #expect(h.callLine("EXISTS z") == int(0))
        #expect(h.callLine("ZREMRANGEBYLEX lex [a (c") == int(2))
        #expect(h.callLine("ZREMRANGEBYLEX lex - +") == int(1))
        #expect(h.callLine("EXISTS lex") == int(0))
        #expect(h.callLine("ZREM missing a") == int(0))
        #expect(h.callLine("ZREMRANGEBYSCORE missing x 1") == err("ERR min or max is not a float"))
        #expect(h.callLine("ZREMRANGEBYRANK missing x 1") == err("ERR value is not an integer or out of range"))
    }

    // MARK: - Pops

    @Test("ZPOPMIN and ZPOPMAX: flat replies in RESP2, pairs with a count in RESP3")
    func pops() {
        let h = harness("ZADD z 1 a 2 b 3 c")
        #expect(h.callLine("ZPOPMIN z") == array(bulk("a"), bulk("1")))
        #expect(h.callLine("ZPOPMAX z 5") == array(bulk("c"), bulk("3"), bulk("b"), bulk("2")))
        #expect(h.callLine("EXISTS z") == int(0))
        #expect(h.callLine("ZPOPMIN z") == array())
        #expect(h.callLine("ZPOPMIN z -1") == err("ERR value is out of range, must be positive"))
        #expect(h.callLine("ZPOPMIN z 1 2") == err("ERR syntax error"))
        let h3 = harness(resp3: true, "ZADD z 1 a 2 b 3 c")
        #expect(h3.callLine("ZPOPMIN z") == array(bulk("a"), dbl("1")))
        #expect(h3.callLine("ZPOPMAX z 1") == array(array(bulk("c"), dbl("3"))))
        #expect(h3.callLine("ZPOPMAX z 0") == array())
    }

    @Test("ZMPOP pops from the first non-empty key, with key and pairs in both protocols")
    func zmpop() {
        let h = harness("ZADD z2 1 a 2 b 3 c")
        #expect(h.callLine("ZMPOP 2 z1 z2 MAX COUNT 2")
            == array(bulk("z2"), array(array(bulk("c"), bulk("3")), array(bulk("b"), bulk("2")))))
        #expect(h.callLine("ZMPOP 1 z1 MIN") == "*-1\r\n")
        #expect(h.callLine("ZMPOP 0 z1 MIN") == err("ERR numkeys should be greater than 0"))
        #expect(h.callLine("ZMPOP 1 z2 MIN COUNT 0") == err("ERR count should be greater than 0"))
        #expect(h.callLine("ZMPOP 1 z2 LEFT") == err("ERR syntax error"))
        #expect(h.callLine("ZMPOP 2 z2 MIN") == err("ERR syntax error"))
        #expect(h.callLine("ZMPOP 1 z2 MIN COUNT 1 COUNT 1") == err("ERR syntax error"))
        let h3 = harness(resp3: true, "ZADD z 1 a")
        #expect(h3.callLine("ZMPOP 1 z MIN") == array(bulk("z"), array(array(bulk("a"), dbl("1")))))
        #expect(h3.callLine("ZMPOP 1 z MIN") == null3)
    }

    // MARK: - ZRANDMEMBER

    @Test("ZRANDMEMBER: single member, distinct members, repetitions, WITHSCORES shapes")
    func zrandmember() {
        let h = harness("ZADD z 1 a 2 b 3 c")
        let one = h.callLine("ZRANDMEMBER z")
        #expect([bulk("a"), bulk("b"), bulk("c")].contains(one))
        #expect(h.callLine("ZRANDMEMBER missing") == nullBulk)
        #expect(h.callLine("ZRANDMEMBER missing 5") == array())
        #expect(h.callLine("ZRANDMEMBER z 0") == array())
        // A count at least the size returns the whole set, from the highest score down.
        #expect(h.callLine("ZRANDMEMBER z 10 WITHSCORES")
            == array(bulk("c"), bulk("3"), bulk("b"), bulk("2"), bulk("a"), bulk("1")))
        #expect(h.callLine("ZRANDMEMBER z -7").hasPrefix("*7\r\n"))
        #expect(h.callLine("ZRANDMEMBER z 2").hasPrefix("*2\r\n"))
        #expect(h.callLine("ZRANDMEMBER z 1 foo") == err("ERR syntax error"))
        #expect(h.callLine("ZRANDMEMBER z x") == err("ERR value is not an integer or out of range"))
        #expect(h.callLine("ZRANDMEMBER z -9223372036854775808")
            == err("ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807"))
        #expect(h.callLine("ZRANDMEMBER z 9223372036854775807 WITHSCORES") == err("ERR value is out of range"))
        let h3 = harness(resp3: true, "ZADD z 1 a")
        #expect(h3.callLine("ZRANDMEMBER z -2 WITHSCORES") == array(array(bulk("a"), dbl("1")), array(bulk("a"), dbl("1"))))
    }

    @Test("ZRANDMEMBER with a count returns distinct members of a big set")
    func zrandmemberDistinct() {
        let h = Harness()
        h.callRaw(["ZADD", "z"] + (0..<300).flatMap { [String($0), "m\($0)"] })
        for count in [5, 150, 299] {
            let reply = h.callRaw("ZRANDMEMBER", "z", String(count))
            let members = reply.split(separator: "\r\n").filter { $0.hasPrefix("m") }
            #expect(members.count == count && Set(members).count == count)
        }
    }

    // MARK: - Set algebra

    @Test("ZUNION, ZINTER, ZDIFF with WEIGHTS, AGGREGATE and WITHSCORES")
    func algebra() {
        let h = harness("ZADD a 1 x 2 y 3 z", "ZADD b 10 y 20 z 30 w")
        #expect(h.callLine("ZUNION 2 a b WITHSCORES")
            == array(bulk("x"), bulk("1"), bulk("y"), bulk("12"), bulk("z"), bulk("23"), bulk("w"), bulk("30")))
        #expect(h.callLine("ZINTER 2 a b WEIGHTS 2 0.5 AGGREGATE MIN WITHSCORES")
            == array(bulk("y"), bulk("4"), bulk("z"), bulk("6")))
        #expect(h.callLine("ZINTER 2 a b AGGREGATE MAX") == array(bulk("y"), bulk("z")))
        #expect(h.callLine("ZDIFF 2 a b WITHSCORES") == array(bulk("x"), bulk("1")))
        #expect(h.callLine("ZDIFF 2 a a") == array())
        #expect(h.callLine("ZINTERCARD 2 a b") == int(2))
        #expect(h.callLine("ZINTERCARD 2 a b LIMIT 1") == int(1))
        #expect(h.callLine("ZUNION 2 a missing") == array(bulk("x"), bulk("y"), bulk("z")))
        #expect(h.callLine("ZINTER 2 a missing") == array())
        let h3 = harness(resp3: true, "ZADD a 1 x")
        #expect(h3.callLine("ZUNION 1 a WITHSCORES") == array(array(bulk("x"), dbl("1"))))
    }

    @Test("Set algebra errors")
    func algebraErrors() {
        let h = harness("ZADD a 1 x", "SET s v")
        #expect(h.callLine("ZUNION 0 a") == err("ERR at least 1 input key is needed for 'zunion' command"))
        #expect(h.callLine("ZINTERSTORE d 0 a") == err("ERR at least 1 input key is needed for 'zinterstore' command"))
        #expect(h.callLine("ZUNION 2 a") == err("ERR syntax error"))
        #expect(h.callLine("ZUNION x a") == err("ERR value is not an integer or out of range"))
        #expect(h.callLine("ZUNION 1 a WEIGHTS x") == err("ERR weight value is not a float"))
        #expect(h.callLine("ZUNION 1 a AGGREGATE AVG") == err("ERR syntax error"))
        #expect(h.callLine("ZDIFF 1 a WEIGHTS 1") == err("ERR syntax error"))
        #expect(h.callLine("ZUNIONSTORE d 1 a WITHSCORES") == err("ERR syntax error"))
        #expect(h.callLine("ZINTERCARD 1 a LIMIT -1") == err("ERR LIMIT can't be negative"))
        #expect(h.callLine("ZINTERCARD 1 a WITHSCORES") == err("ERR syntax error"))
        #expect(h.callLine("ZUNION 2 a s") == err("WRONGTYPE Operation against a key holding the wrong kind of value"))
    }

    @Test("STORE forms: +inf/-inf sums are 0, NaN weights give 0, empty results delete the destination")
    func algebraStore() {
        let h = harness("ZADD a +inf x -inf y", "ZADD b -inf x +inf y", "SET d v")
        #expect(h.callLine("ZUNIONSTORE d 2 a b") == int(2))
        #expect(h.callLine("ZRANGE d 0 -1 WITHSCORES") == array(bulk("x"), bulk("0"), bulk("y"), bulk("0")))
        #expect(h.callLine("ZINTERSTORE d 2 a b WEIGHTS 0 0") == int(2))
        #expect(h.callLine("ZSCORE d x") == bulk("0"))
        #expect(h.callLine("ZDIFFSTORE d 2 a b") == int(0))
        #expect(h.callLine("EXISTS d") == int(0))
        #expect(h.callLine("ZUNIONSTORE d 1 missing") == int(0))
    }

    @Test("Sets are inputs with score 1")
    func setInputs() {
        let h = harness("SADD s x y", "ZADD z 5 y 7 w")
        #expect(h.callLine("ZUNION 2 s z WITHSCORES")
            == array(bulk("x"), bulk("1"), bulk("y"), bulk("6"), bulk("w"), bulk("7")))
        #expect(h.callLine("ZINTER 2 s z WEIGHTS 3 1 WITHSCORES") == array(bulk("y"), bulk("8")))
        #expect(h.callLine("ZDIFF 2 s z") == array(bulk("x")))
        #expect(h.callLine("ZINTERCARD 2 s z") == int(1))
    }

    // MARK: - ZSCAN

    @Test("ZSCAN returns a listpack whole; scores of the big encoding print with %.17g")
    func zscan() {
        let h = harness("ZADD z 0.1 a 2 b")
        #expect(h.callLine("ZSCAN z 0") == array(bulk("0"), array(bulk("a"), bulk("0.1"), bulk("b"), bulk("2"))))
        #expect(h.callLine("ZSCAN z 0 MATCH b*") == array(bulk("0"), array(bulk("b"), bulk("2"))))
        #expect(h.callLine("ZSCAN missing 0") == array(bulk("0"), array()))
        #expect(h.callLine("ZSCAN z 0 COUNT 0") == err("ERR syntax error"))
        #expect(h.callLine("ZSCAN z x") == err("ERR invalid cursor"))
        #expect(h.callLine("ZSCAN z 0 TYPE zset") == err("ERR syntax error"))
        let big = Harness { try! $0.set("zset-max-listpack-entries", ["0"], startup: false) }
        big.callLine("ZADD z 0.1 a")
        #expect(big.callLine("ZSCAN z 0") == array(bulk("0"), array(bulk("a"), bulk("0.10000000000000001"))))
    }

    @Test("ZSCAN over a big set visits every member across calls")
    func zscanBig() {
        let h = Harness()
        h.callRaw(["ZADD", "z"] + (0..<500).flatMap { [String($0), "m\($0)"] })
        var seen = Set<Substring>()
        var cursor = "0"
        repeat {
            let reply = h.callRaw("ZSCAN", "z", cursor, "COUNT", "20")
            let lines = reply.split(separator: "\r\n")
            cursor = String(lines[2])
            for l in lines where l.hasPrefix("m") { seen.insert(l) }
        } while cursor != "0"
        #expect(seen.count == 500)
    }

    // MARK: - Encodings and the type-generic commands

    @Test("OBJECT ENCODING: listpack, then skiplist past either limit, for good")
    func encodings() {
        let h = Harness {
            try! $0.set("zset-max-listpack-entries", ["3"], startup: false)
            try! $0.set("zset-max-listpack-value", ["5"], startup: false)
        }
        #expect(h.callLine("ZADD z 1 a 2 b 3 c") == int(3))
        #expect(h.callLine("OBJECT ENCODING z") == bulk("listpack"))
        #expect(h.callLine("ZADD z 4 d") == int(1))
        #expect(h.callLine("OBJECT ENCODING z") == bulk("skiplist"))
        #expect(h.callLine("ZREM z a b c") == int(3))
        #expect(h.callLine("OBJECT ENCODING z") == bulk("skiplist"))
        #expect(h.callLine("ZADD long 1 abcdef") == int(1))
        #expect(h.callLine("OBJECT ENCODING long") == bulk("skiplist"))
        // ZADD of more pairs than a listpack holds converts first, even when they all exist (zsetTypeMaybeConvert).
        #expect(h.callLine("ZADD small 1 a") == int(1))
        #expect(h.callLine("ZADD small XX 1 a 1 b 1 c 1 d") == int(0))
        #expect(h.callLine("OBJECT ENCODING small") == bulk("skiplist"))
        // Stored results are listpacks again when small enough.
        #expect(h.callLine("ZUNIONSTORE u 1 z") == int(1))
        #expect(h.callLine("OBJECT ENCODING u") == bulk("listpack"))
    }

    @Test("TYPE, COPY, SCAN TYPE, MEMORY USAGE and DEBUG DIGEST-VALUE on sorted sets")
    func generic() {
        let h = harness("ZADD z 1 a 2 b", "ZADD a 10 b 20 c 30 d")
        #expect(h.callLine("TYPE z") == "+zset\r\n")
        #expect(h.callLine("COPY z z2") == int(1))
        #expect(h.callLine("ZADD z2 3 c") == int(1))
        #expect(h.callLine("ZCARD z") == int(2))
        #expect(h.callLine("SCAN 0 TYPE zset").contains(bulk("z2")))
        #expect(h.callLine("MEMORY USAGE z").hasPrefix(":"))
        // The reference value is Redis 7.2.6's DEBUG DIGEST-VALUE for the same set.
        #expect(h.callLine("DEBUG DIGEST-VALUE a") == array("+25d611b1ed536b93b99e006299a2c2aef92217a0\r\n"))
        #expect(h.callLine("DEBUG DIGEST-VALUE missing") == array("+0000000000000000000000000000000000000000\r\n"))
    }

    @Test("A write signals the key once; a no-op write does not")
    func modificationSignals() {
        let h = harness("ZADD z 1 a")
        var signals = 0
        h.server.keyspace.onKeyModified = { _, _ in signals += 1 }
        h.callLine("ZADD z 2 a 3 b 4 c")
        #expect(signals == 1)
        h.callLine("ZADD z 2 a")
        #expect(signals == 1)
        h.callLine("ZREM z a b c nope")
        #expect(signals == 2)
        #expect(h.callLine("EXISTS z") == int(0))
        h.callLine("ZPOPMIN missing")
        #expect(signals == 2)
    }
}
