"""Sorted set commands: ZADD (NX XX GT LT CH INCR) ZINCRBY ZREM ZCARD ZCOUNT
ZLEXCOUNT ZSCORE ZMSCORE ZRANK ZREVRANK (WITHSCORE), the ZRANGE family (BYSCORE
BYLEX REV LIMIT WITHSCORES, ZRANGESTORE, the legacy Z[REV]RANGE[BY*] forms),
ZREMRANGEBY*, ZPOPMIN ZPOPMAX ZMPOP, ZRANDMEMBER, ZUNION ZINTER ZDIFF ZINTERCARD
and the STORE forms (WEIGHTS, AGGREGATE, sets as inputs), ZSCAN; score
formatting, RESP3 shapes, encodings and their conversion, DEBUG DIGEST-VALUE,
COMMAND INFO key specs, and the type-generic commands on sorted sets."""

import pytest

from conftest import resp_cmd, resp_reply_end


WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value"
SYNTAX = "ERR syntax error"
NOT_FLOAT = "ERR value is not a valid float"
NOT_INT = "ERR value is not an integer or out of range"
RANGE_FLOAT = "ERR min or max is not a float"
RANGE_LEX = "ERR min or max not valid string range item"


@pytest.fixture
def limits(r):
    """Set zset-max-listpack-entries/value for one test, restored afterwards."""
    saved = {}

    def set_limits(entries=None, value=None):
        for name, v in (("zset-max-listpack-entries", entries), ("zset-max-listpack-value", value)):
            if v is None:
                continue
            if name not in saved:
                saved[name] = r("CONFIG", "GET", name)[1]
            r("CONFIG", "SET", name, str(v))

    yield set_limits
    for name, v in saved.items():
        r("CONFIG", "SET", name, v)


def wire(raw, *args, protocol=2):
    """The exact reply bytes of one command on a fresh connection (after HELLO 3 for RESP3)."""
    if protocol == 3:
        data = raw(resp_cmd("HELLO", "3") + resp_cmd(*args), replies=2)
        return data[resp_reply_end(data):]
    return raw(resp_cmd(*args))


# --------------------------------------------------------------------------
# ZADD / ZINCRBY
# --------------------------------------------------------------------------


def test_zadd_counts_added_and_ch(r):
    assert r("ZADD", "z", 1, "a", 2, "b", 3, "c") == 3
    assert r("ZADD", "z", 1, "a", 5, "b", 4, "d") == 1
    assert r("ZADD", "z", "CH", 1, "a", 6, "b", 7, "e") == 2
    assert r("ZRANGE", "z", 0, -1, "WITHSCORES") == [
        b"a", b"1", b"c", b"3", b"d", b"4", b"b", b"6", b"e", b"7"]


def test_zadd_nx_xx_gt_lt(r):
    r("ZADD", "z", 10, "a", 20, "b")
    assert r("ZADD", "z", "NX", 1, "a", 30, "c") == 1
    assert r("ZSCORE", "z", "a") == b"10"
    assert r("ZADD", "z", "XX", 1, "a", 40, "d") == 0
    assert r("ZSCORE", "z", "d") is None
    assert r("ZADD", "z", "GT", "CH", 5, "a", 5, "b", 50, "e") == 2
    assert r("ZADD", "z", "lt", "ch", 1, "a", 100, "b") == 1
    assert r("ZADD", "z", "XX", "GT", "CH", 6, "a", 7, "new") == 1
    assert r("ZSCORE", "z", "new") is None
    assert r("ZADD", "nokey", "XX", 1, "a") == 0
    assert r("EXISTS", "nokey") == 0


@pytest.mark.parametrize("args,message", [
    (("NX", "XX", 1, "a"), "ERR XX and NX options at the same time are not compatible"),
    (("GT", "LT", 1, "a"), "ERR GT, LT, and/or NX options at the same time are not compatible"),
    (("NX", "GT", 1, "a"), "ERR GT, LT, and/or NX options at the same time are not compatible"),
    (("NX", "LT", 1, "a"), "ERR GT, LT, and/or NX options at the same time are not compatible"),
    (("INCR", 1, "a", 2, "b"), "ERR INCR option supports a single increment-element pair"),
    ((1, "a", 2), SYNTAX),
    (("NX", 1), SYNTAX),
    ((1, "a", "x", "b"), NOT_FLOAT),
    (("nan", "a"), NOT_FLOAT),
    (("1 ", "a"), NOT_FLOAT),
])
def test_zadd_errors(r, err, args, message):
    r("ZADD", "z", 1, "m")
    assert err(r, "ZADD", "z", *args) == message
    assert r("ZCARD", "z") == 1


def test_zadd_wrongtype(r, err):
    r("SET", "s", "x")
    assert err(r, "ZADD", "s", 1, "a") == WRONGTYPE
    assert err(r, "ZSCORE", "s", "a") == WRONGTYPE


def test_zincrby_and_zadd_incr(r, err, raw):
    assert r("ZINCRBY", "z", 2.5, "a") == b"2.5"
    assert r("ZINCRBY", "z", -1, "a") == b"1.5"
    assert r("ZADD", "z", "INCR", 1, "a") == b"2.5"
    assert r("ZADD", "z", "XX", "INCR", 1, "nope") is None
    assert r("ZADD", "z", "GT", "INCR", -1, "a") is None
    assert r("ZINCRBY", "z", "+inf", "a") == b"inf"
    assert err(r, "ZINCRBY", "z", "-inf", "a") == "ERR resulting score is not a number (NaN)"
    assert r("ZSCORE", "z", "a") == b"inf"
    # ZINCRBY shares ZADD's option parser.
    assert err(r, "ZINCRBY", "z", "NX", "a") == SYNTAX
    assert wire(raw, "ZINCRBY", "z", "0.5", "b", protocol=3) == b",0.5\r\n"
    assert wire(raw, "ZADD", "z", "XX", "INCR", "1", "nope", protocol=3) == b"_\r\n"


# --------------------------------------------------------------------------
# Scores
# --------------------------------------------------------------------------


def test_score_formatting(r, raw):
    r("ZADD", "z", 0.1, "a", "1e20", "b", 100000000, "c", "-inf", "d", 3.14159, "e", "1.5e-7", "f")
    assert r("ZMSCORE", "z", "a", "b", "c", "d", "e", "f", "nope") == [
        b"0.1", b"1e+20", b"100000000", b"-inf", b"3.14159", b"1.5e-7", None]
    assert wire(raw, "ZMSCORE", "z", "a", "d", "nope", protocol=3) == b"*3\r\n,0.1\r\n,-inf\r\n_\r\n"


def test_negative_zero_listpack_and_skiplist(r, limits):
    # A listpack stores the score's text and reads "-0" back as the integer 0.
    r("ZADD", "small", "-0", "a")
    assert r("ZSCORE", "small", "a") == b"0"
    limits(entries=0)
    r("ZADD", "big", "-0", "a")
    assert r("OBJECT", "ENCODING", "big") == b"skiplist"
    assert r("ZSCORE", "big", "a") == b"-0"


def test_zcard_zscore_missing(r):
    assert r("ZCARD", "nokey") == 0
    assert r("ZSCORE", "nokey", "a") is None
    assert r("ZMSCORE", "nokey", "a", "b") == [None, None]


def test_zrank_zrevrank(r, err, raw):
    r("ZADD", "z", 1, "a", 2, "b", 3, "c")
    assert r("ZRANK", "z", "b") == 1
    assert r("ZREVRANK", "z", "a") == 2
    assert r("ZRANK", "z", "c", "WITHSCORE") == [2, b"3"]
    assert r("ZRANK", "z", "nope") is None
    assert wire(raw, "ZRANK", "z", "nope", "WITHSCORE") == b"*-1\r\n"
    assert wire(raw, "ZRANK", "nokey", "a", "WITHSCORE") == b"*-1\r\n"
    assert wire(raw, "ZREVRANK", "z", "c", "WITHSCORE", protocol=3) == b"*2\r\n:0\r\n,3\r\n"
    assert wire(raw, "ZRANK", "z", "nope", "WITHSCORE", protocol=3) == b"_\r\n"
    assert err(r, "ZRANK", "z", "a", "foo") == SYNTAX
    assert err(r, "ZRANK", "z", "a", "WITHSCORE", "x") == \
        "ERR wrong number of arguments for 'zrank' command"


def test_zcount_zlexcount(r, err):
    r("ZADD", "z", 1, "a", 2, "b", 3, "c", 4, "d")
    assert r("ZCOUNT", "z", "-inf", "+inf") == 4
    assert r("ZCOUNT", "z", "(1", 3) == 2
    assert r("ZCOUNT", "z", "(1", "(3") == 1
    assert r("ZCOUNT", "z", 3, 1) == 0
    assert r("ZCOUNT", "z", "(2", "(2") == 0
    # strtod's syntax: leading spaces, hex, an empty string is 0.
    assert r("ZCOUNT", "z", " 1", "0x2") == 2
    assert r("ZCOUNT", "z", "", 2) == 2
    for bad in ("x", "(nan", "1x", "[1"):
        assert err(r, "ZCOUNT", "z", bad, 2) == RANGE_FLOAT
    r("ZADD", "lex", 0, "a", 0, "b", 0, "c", 0, "d")
    assert r("ZLEXCOUNT", "lex", "-", "+") == 4
    assert r("ZLEXCOUNT", "lex", "[b", "(d") == 2
    assert r("ZLEXCOUNT", "lex", "+", "-") == 0
    assert r("ZLEXCOUNT", "lex", "(a", "(a") == 0
    for bad in ("a", "-x", "+x", ""):
        assert err(r, "ZLEXCOUNT", "lex", bad, "+") == RANGE_LEX


# --------------------------------------------------------------------------
# ZRANGE family
# --------------------------------------------------------------------------


def test_zrange_by_rank(r, err):
    r("ZADD", "z", 1, "a", 2, "b", 3, "c", 4, "d")
    assert r("ZRANGE", "z", 0, -1) == [b"a", b"b", b"c", b"d"]
    assert r("ZRANGE", "z", -2, 10) == [b"c", b"d"]
    assert r("ZRANGE", "z", 2, 1) == []
    assert r("ZRANGE", "z", 0, 0, "REV", "WITHSCORES") == [b"d", b"4"]
    assert r("ZREVRANGE", "z", 1, 2) == [b"c", b"b"]
    assert r("ZRANGE", "nokey", 0, -1) == []
    assert err(r, "ZRANGE", "z", 0, -1, "LIMIT", 0, 1) == \
        "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX"
    assert r("ZRANGE", "z", 0, 0, "LIMIT", 5, -1) == [b"a"]
    assert err(r, "ZRANGE", "z", "a", 1) == NOT_INT
    assert err(r, "ZREVRANGE", "z", 0, 1, "REV") == SYNTAX


def test_zrange_withscores_resp3_pairs(raw, r):
    r("ZADD", "z", 1, "a", 2.5, "b")
    assert wire(raw, "ZRANGE", "z", 0, -1, "WITHSCORES", protocol=3) == \
        b"*2\r\n*2\r\n$1\r\na\r\n,1\r\n*2\r\n$1\r\nb\r\n,2.5\r\n"
    assert wire(raw, "ZRANGE", "z", 0, -1, "WITHSCORES") == \
        b"*4\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$3\r\n2.5\r\n"
    assert wire(raw, "ZRANGEBYSCORE", "z", "-inf", "+inf", "WITHSCORES", protocol=3) == \
        b"*2\r\n*2\r\n$1\r\na\r\n,1\r\n*2\r\n$1\r\nb\r\n,2.5\r\n"
    assert wire(raw, "ZRANGE", "nokey", 0, -1, protocol=3) == b"*0\r\n"


def test_zrange_by_score(r, err):
    r("ZADD", "z", 1, "a", 2, "b", 3, "c", 4, "d", 5, "e")
    assert r("ZRANGEBYSCORE", "z", "(1", 4) == [b"b", b"c", b"d"]
    assert r("ZRANGEBYSCORE", "z", "-inf", "+inf", "LIMIT", 1, 2, "WITHSCORES") == [b"b", b"2", b"c", b"3"]
    assert r("ZRANGEBYSCORE", "z", "-inf", "+inf", "LIMIT", 3, -1) == [b"d", b"e"]
    assert r("ZRANGEBYSCORE", "z", "-inf", "+inf", "LIMIT", -1, 2) == []
    assert r("ZRANGEBYSCORE", "z", "-inf", "+inf", "LIMIT", 9, 2) == []
    assert r("ZRANGEBYSCORE", "z", "-inf", "+inf", "LIMIT", 0, 0) == []
    assert r("ZREVRANGEBYSCORE", "z", 4, "(1", "LIMIT", 1, 5) == [b"c", b"b"]
    assert r("ZRANGE", "z", 4, "(1", "BYSCORE", "REV", "LIMIT", 0, 2) == [b"d", b"c"]
    assert r("ZRANGEBYSCORE", "z", 3, 1) == []
    assert err(r, "ZRANGEBYSCORE", "z", 1, "x") == RANGE_FLOAT
    assert err(r, "ZRANGEBYSCORE", "z", 1, 2, "LIMIT", 0) == SYNTAX
    assert err(r, "ZRANGEBYSCORE", "z", 1, 2, "LIMIT", "a", 1) == NOT_INT


def test_zrange_by_lex(r, err):
    r("ZADD", "z", 0, "alpha", 0, "bar", 0, "cool", 0, "down", 0, "elephant")
    assert r("ZRANGEBYLEX", "z", "[bar", "(down") == [b"bar", b"cool"]
    assert r("ZRANGEBYLEX", "z", "-", "+", "LIMIT", 1, 2) == [b"bar", b"cool"]
    assert r("ZREVRANGEBYLEX", "z", "+", "(cool") == [b"elephant", b"down"]
    assert r("ZRANGE", "z", "[c", "+", "BYLEX") == [b"cool", b"down", b"elephant"]
    assert r("ZRANGEBYLEX", "z", "+", "-") == []
    assert err(r, "ZRANGE", "z", "-", "+", "BYLEX", "WITHSCORES") == \
        "ERR syntax error, WITHSCORES not supported in combination with BYLEX"
    assert err(r, "ZRANGEBYLEX", "z", "bar", "+") == RANGE_LEX
    assert err(r, "ZRANGEBYLEX", "z", "-", "+", "WITHSCORES") == \
        "ERR syntax error, WITHSCORES not supported in combination with BYLEX"


def test_zrangestore(r, err):
    r("ZADD", "src", 1, "a", 2, "b", 3, "c")
    r("SET", "dst", "x")
    assert r("ZRANGESTORE", "dst", "src", 1, -1) == 2
    assert r("ZRANGE", "dst", 0, -1, "WITHSCORES") == [b"b", b"2", b"c", b"3"]
    assert r("ZRANGESTORE", "dst", "src", "(1", "+inf", "BYSCORE", "LIMIT", 0, 1) == 1
    assert r("ZRANGE", "dst", 0, -1) == [b"b"]
    # REV takes max then min.
    assert r("ZRANGESTORE", "dst", "src", "[b", "-", "BYLEX", "REV") == 2
    assert r("ZRANGE", "dst", 0, -1) == [b"a", b"b"]
    assert r("ZRANGESTORE", "dst", "src", 5, 10) == 0
    assert r("EXISTS", "dst") == 0
    assert r("ZRANGESTORE", "dst", "nokey", 0, -1) == 0
    assert err(r, "ZRANGESTORE", "dst", "src", 0, -1, "WITHSCORES") == SYNTAX


# --------------------------------------------------------------------------
# Deletions
# --------------------------------------------------------------------------


def test_zrem_and_zremrange(r, err):
    r("ZADD", "z", 1, "a", 2, "b", 3, "c", 4, "d", 5, "e")
    assert r("ZREM", "z", "a", "nope") == 1
    assert r("ZREMRANGEBYRANK", "z", -1, -1) == 1
    assert r("ZREMRANGEBYSCORE", "z", "(2", "+inf") == 2
    assert r("ZRANGE", "z", 0, -1) == [b"b"]
    assert r("ZREMRANGEBYRANK", "z", 5, 10) == 0
    assert r("ZREM", "z", "b") == 1
    assert r("EXISTS", "z") == 0
    r("ZADD", "lex", 0, "a", 0, "b", 0, "c")
    assert r("ZREMRANGEBYLEX", "lex", "[a", "(c") == 2
    assert r("ZREMRANGEBYLEX", "lex", "-", "+") == 1
    assert r("EXISTS", "lex") == 0
    assert r("ZREM", "nokey", "a") == 0
    assert err(r, "ZREMRANGEBYSCORE", "nokey", "x", 1) == RANGE_FLOAT
    assert err(r, "ZREMRANGEBYLEX", "nokey", "x", "+") == RANGE_LEX
    assert err(r, "ZREMRANGEBYRANK", "nokey", "x", 1) == NOT_INT


# --------------------------------------------------------------------------
# Pops
# --------------------------------------------------------------------------


def test_zpopmin_zpopmax(r, err, raw):
    r("ZADD", "z", 1, "a", 2, "b", 3, "c")
    assert r("ZPOPMIN", "z") == [b"a", b"1"]
    assert r("ZPOPMAX", "z", 5) == [b"c", b"3", b"b", b"2"]
    assert r("EXISTS", "z") == 0
    assert r("ZPOPMIN", "z") == []
    assert r("ZPOPMIN", "z", 0) == []
    assert err(r, "ZPOPMIN", "z", -1) == "ERR value is out of range, must be positive"
    assert err(r, "ZPOPMIN", "z", "x") == "ERR value is out of range, must be positive"
    assert err(r, "ZPOPMIN", "z", 1, 2) == SYNTAX
    r("ZADD", "z", 1, "a", 2, "b", 3, "c")
    assert wire(raw, "ZPOPMIN", "z", protocol=3) == b"*2\r\n$1\r\na\r\n,1\r\n"
    assert wire(raw, "ZPOPMAX", "z", 1, protocol=3) == b"*1\r\n*2\r\n$1\r\nc\r\n,3\r\n"
    assert wire(raw, "ZPOPMAX", "z", 0, protocol=3) == b"*0\r\n"


def test_zmpop(r, err, raw):
    r("ZADD", "z2", 1, "a", 2, "b", 3, "c")
    assert r("ZMPOP", 2, "z1", "z2", "MAX", "COUNT", 2) == [b"z2", [[b"c", b"3"], [b"b", b"2"]]]
    assert wire(raw, "ZMPOP", 1, "z1", "MIN") == b"*-1\r\n"
    assert wire(raw, "ZMPOP", 1, "z2", "min", protocol=3) == b"*2\r\n$2\r\nz2\r\n*1\r\n*2\r\n$1\r\na\r\n,1\r\n"
    assert wire(raw, "ZMPOP", 1, "z2", "MIN", protocol=3) == b"_\r\n"
    assert err(r, "ZMPOP", 0, "z1", "MIN") == "ERR numkeys should be greater than 0"
    assert err(r, "ZMPOP", "x", "z1", "MIN") == "ERR numkeys should be greater than 0"
    assert err(r, "ZMPOP", 1, "z1", "MIN", "COUNT", 0) == "ERR count should be greater than 0"
    assert err(r, "ZMPOP", 1, "z1", "LEFT") == SYNTAX
    assert err(r, "ZMPOP", 2, "z1", "MIN") == SYNTAX
    assert err(r, "ZMPOP", 1, "z1", "MIN", "COUNT", 1, "COUNT", 1) == SYNTAX
    r("SET", "s", "x")
    assert err(r, "ZMPOP", 2, "nokey", "s", "MIN") == WRONGTYPE


# --------------------------------------------------------------------------
# ZRANDMEMBER
# --------------------------------------------------------------------------


def test_zrandmember(r, err, raw):
    r("ZADD", "z", 1, "a", 2, "b", 3, "c")
    assert r("ZRANDMEMBER", "z") in (b"a", b"b", b"c")
    assert r("ZRANDMEMBER", "nokey") is None
    assert r("ZRANDMEMBER", "nokey", 5) == []
    assert r("ZRANDMEMBER", "z", 0) == []
    # The whole set, from the highest score down.
    assert r("ZRANDMEMBER", "z", 10, "WITHSCORES") == [b"c", b"3", b"b", b"2", b"a", b"1"]
    got = r("ZRANDMEMBER", "z", -20)
    assert len(got) == 20 and set(got) <= {b"a", b"b", b"c"}
    got = r("ZRANDMEMBER", "z", 2)
    assert len(got) == 2 and len(set(got)) == 2
    assert err(r, "ZRANDMEMBER", "z", 1, "foo") == SYNTAX
    assert err(r, "ZRANDMEMBER", "z", "x") == NOT_INT
    assert err(r, "ZRANDMEMBER", "z", "-9223372036854775808") == \
        "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807"
    assert err(r, "ZRANDMEMBER", "z", "9223372036854775807", "WITHSCORES") == "ERR value is out of range"
    r("ZADD", "one", 1.5, "a")
    assert wire(raw, "ZRANDMEMBER", "one", -2, "WITHSCORES", protocol=3) == \
        b"*2\r\n*2\r\n$1\r\na\r\n,1.5\r\n*2\r\n$1\r\na\r\n,1.5\r\n"


def test_zrandmember_distinct_in_big_set(r):
    r("ZADD", "z", *[x for i in range(300) for x in (i, "m%d" % i)])
    for count in (5, 150, 299):
        got = r("ZRANDMEMBER", "z", count)
        assert len(got) == count and len(set(got)) == count


# --------------------------------------------------------------------------
# ZUNION / ZINTER / ZDIFF / ZINTERCARD and STORE forms
# --------------------------------------------------------------------------


def test_union_inter_diff(r, raw):
    r("ZADD", "a", 1, "x", 2, "y", 3, "z")
    r("ZADD", "b", 10, "y", 20, "z", 30, "w")
    assert r("ZUNION", 2, "a", "b", "WITHSCORES") == [b"x", b"1", b"y", b"12", b"z", b"23", b"w", b"30"]
    assert r("ZINTER", 2, "a", "b", "WEIGHTS", 2, 0.5, "AGGREGATE", "MIN", "WITHSCORES") == [b"y", b"4", b"z", b"6"]
    assert r("ZINTER", 2, "a", "b", "AGGREGATE", "MAX") == [b"y", b"z"]
    assert r("ZDIFF", 2, "a", "b", "WITHSCORES") == [b"x", b"1"]
    assert r("ZDIFF", 2, "a", "a") == []
    assert r("ZINTERCARD", 2, "a", "b") == 2
    assert r("ZINTERCARD", 2, "a", "b", "LIMIT", 1) == 1
    assert r("ZUNION", 2, "a", "nokey") == [b"x", b"y", b"z"]
    assert r("ZINTER", 2, "a", "nokey") == []
    assert wire(raw, "ZUNION", 1, "a", "WITHSCORES", protocol=3) == \
        b"*3\r\n*2\r\n$1\r\nx\r\n,1\r\n*2\r\n$1\r\ny\r\n,2\r\n*2\r\n$1\r\nz\r\n,3\r\n"


@pytest.mark.parametrize("args,message", [
    (("ZUNION", 0, "a"), "ERR at least 1 input key is needed for 'zunion' command"),
    (("ZINTERSTORE", "d", 0, "a"), "ERR at least 1 input key is needed for 'zinterstore' command"),
    (("ZUNION", 2, "a"), SYNTAX),
    (("ZUNION", "x", "a"), NOT_INT),
    (("ZUNION", 1, "a", "WEIGHTS", "x"), "ERR weight value is not a float"),
    (("ZUNION", 1, "a", "AGGREGATE", "AVG"), SYNTAX),
    (("ZDIFF", 1, "a", "WEIGHTS", 1), SYNTAX),
    (("ZUNIONSTORE", "d", 1, "a", "WITHSCORES"), SYNTAX),
    (("ZINTERCARD", 1, "a", "LIMIT", -1), "ERR LIMIT can't be negative"),
    (("ZINTERCARD", 1, "a", "WITHSCORES"), SYNTAX),
    (("ZUNION", 2, "a", "s"), WRONGTYPE),
])
def test_algebra_errors(r, err, args, message):
    r("ZADD", "a", 1, "x")
    r("SET", "s", "v")
    assert err(r, *args) == message


def test_store_forms_inf_nan_and_empty(r):
    r("ZADD", "a", "+inf", "x", "-inf", "y")
    r("ZADD", "b", "-inf", "x", "+inf", "y")
    r("SET", "d", "v")
    # inf + -inf is 0 (not NaN); inf * 0 weights give 0.
    assert r("ZUNIONSTORE", "d", 2, "a", "b") == 2
    assert r("ZRANGE", "d", 0, -1, "WITHSCORES") == [b"x", b"0", b"y", b"0"]
    assert r("ZINTERSTORE", "d", 2, "a", "b", "WEIGHTS", 0, 0) == 2
    assert r("ZSCORE", "d", "x") == b"0"
    assert r("ZDIFFSTORE", "d", 2, "a", "b") == 0
    assert r("EXISTS", "d") == 0
    r("SET", "d", "v")
    assert r("ZUNIONSTORE", "d", 1, "nokey") == 0
    assert r("EXISTS", "d") == 0


def test_sets_are_inputs_with_score_one(r):
    r("SADD", "s", "x", "y")
    r("SADD", "ints", 1, 2, 3)
    r("ZADD", "z", 5, "y", 7, "w", 2, "2")
    assert r("ZUNION", 2, "s", "z", "WITHSCORES") == [b"x", b"1", b"2", b"2", b"y", b"6", b"w", b"7"]
    assert r("ZINTER", 2, "s", "z", "WEIGHTS", 3, 1, "WITHSCORES") == [b"y", b"8"]
    assert r("ZDIFF", 2, "s", "z") == [b"x"]
    assert r("ZDIFF", 2, "z", "s") == [b"2", b"w"]
    assert r("ZINTERCARD", 2, "s", "z") == 1
    assert r("ZINTER", 2, "ints", "z", "WITHSCORES") == [b"2", b"3"]
    assert r("ZUNIONSTORE", "d", 1, "ints") == 3
    assert r("ZRANGE", "d", 0, -1, "WITHSCORES") == [b"1", b"1", b"2", b"1", b"3", b"1"]


# --------------------------------------------------------------------------
# ZSCAN
# --------------------------------------------------------------------------


def test_zscan_listpack(r, err):
    r("ZADD", "z", 0.1, "a", 2, "b")
    assert r("ZSCAN", "z", 0) == [b"0", [b"a", b"0.1", b"b", b"2"]]
    assert r("ZSCAN", "z", 0, "MATCH", "b*") == [b"0", [b"b", b"2"]]
    assert r("ZSCAN", "nokey", 0) == [b"0", []]
    assert err(r, "ZSCAN", "z", 0, "COUNT", 0) == SYNTAX
    assert err(r, "ZSCAN", "z", "x") == "ERR invalid cursor"
    assert err(r, "ZSCAN", "z", 0, "TYPE", "zset") == SYNTAX


def test_zscan_skiplist_scores_and_coverage(r, limits):
    limits(entries=0)
    r("ZADD", "z", 0.1, "a")
    # The big encoding formats scores with "%.17Lg" in SCAN replies.
    assert r("ZSCAN", "z", 0) == [b"0", [b"a", b"0.10000000000000001"]]
    r("ZADD", "z", *[x for i in range(500) for x in (i, "m%d" % i)])
    seen = set()
    cursor = b"0"
    while True:
        cursor, items = r("ZSCAN", "z", cursor, "COUNT", 20)
        seen.update(items[0::2])
        if cursor == b"0":
            break
    assert len(seen) == 501


# --------------------------------------------------------------------------
# Encodings, generic commands, digests, metadata
# --------------------------------------------------------------------------


def test_encoding_conversion(r, limits):
    limits(entries=3, value=5)
    assert r("ZADD", "z", 1, "a", 2, "b", 3, "c") == 3
    assert r("OBJECT", "ENCODING", "z") == b"listpack"
    r("ZADD", "z", 4, "d")
    assert r("OBJECT", "ENCODING", "z") == b"skiplist"
    r("ZREM", "z", "a", "b", "c")
    assert r("OBJECT", "ENCODING", "z") == b"skiplist"
    r("ZADD", "long", 1, "abcdef")
    assert r("OBJECT", "ENCODING", "long") == b"skiplist"
    # More pairs than a listpack holds convert first, even when none is added.
    r("ZADD", "small", 1, "a")
    assert r("ZADD", "small", "XX", 1, "a", 1, "b", 1, "c", 1, "d") == 0
    assert r("OBJECT", "ENCODING", "small") == b"skiplist"
    # Stored results are listpacks again when they fit.
    assert r("ZUNIONSTORE", "u", 1, "z") == 1
    assert r("OBJECT", "ENCODING", "u") == b"listpack"
    assert r("COPY", "z", "zc") == 1
    assert r("OBJECT", "ENCODING", "zc") == b"skiplist"


def test_generic_commands(r):
    r("ZADD", "z", 1, "a", 2, "b")
    assert r("TYPE", "z") == b"zset"
    assert r("COPY", "z", "z2") == 1
    r("ZADD", "z2", 3, "c")
    assert r("ZCARD", "z") == 2
    cursor, keys = r("SCAN", 0, "TYPE", "zset", "COUNT", 100)
    assert sorted(keys) == [b"z", b"z2"]
    assert isinstance(r("MEMORY", "USAGE", "z"), int)
    assert r("RENAME", "z2", "z3") == b"OK"
    assert r("ZRANGE", "z3", 0, -1) == [b"a", b"b", b"c"]


@pytest.mark.parametrize("entries", [128, 0])
def test_debug_digest_value(r, limits, entries):
    """Redis 7.2.6's digests for these sets, in both encodings."""
    limits(entries=entries)
    r("ZADD", "a", 10, "b", 20, "c", 30, "d")
    r("ZADD", "f", 0.1, "a", "1e8", "b", "1e20", "c", 3.14159, "e")
    assert r("DEBUG", "DIGEST-VALUE", "a", "f", "nokey") == [
        b"25d611b1ed536b93b99e006299a2c2aef92217a0",
        b"e3979287ac44f756755c6fac5c019d28e5b76f75",
        b"0000000000000000000000000000000000000000"]


def test_command_info_key_specs(r):
    info = r("COMMAND", "INFO", "zunionstore", "zmpop", "zrangestore")
    union, zmpop, store = info
    assert union[:6] == [b"zunionstore", -4, [b"write", b"denyoom", b"movablekeys"], 1, 1, 1]
    assert zmpop[:6] == [b"zmpop", -4, [b"write", b"movablekeys"], 0, 0, 0]
    assert store[:6] == [b"zrangestore", -5, [b"write", b"denyoom"], 1, 2, 1]
    assert r("COMMAND", "GETKEYS", "ZUNIONSTORE", "d", 2, "a", "b", "WEIGHTS", 1, 2) == [b"d", b"a", b"b"]
    assert r("COMMAND", "GETKEYS", "ZMPOP", 2, "a", "b", "MIN") == [b"a", b"b"]
    assert r("COMMAND", "GETKEYS", "ZINTERCARD", 1, "a", "LIMIT", 1) == [b"a"]
