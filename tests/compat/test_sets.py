"""Set commands: SADD SREM SMEMBERS SISMEMBER SMISMEMBER SCARD SPOP
SRANDMEMBER SMOVE SINTER SINTERCARD SINTERSTORE SUNION SUNIONSTORE SDIFF
SDIFFSTORE SSCAN, their RESP2 and RESP3 wire forms, error texts, encodings
(intset / listpack / hashtable and the conversions, which fix the order of small
replies), WRONGTYPE, and the type-generic commands on sets. The listpack
encoding of sets (and the reply orders and set-max-listpack-* parameters that
come with it) is new in 7.2: those tests are marked redis72."""

import pytest

from conftest import resp_cmd

WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value"
NOT_INT = "ERR value is not an integer or out of range"
SYNTAX = "ERR syntax error"
POSITIVE = "ERR value is out of range, must be positive"


def resp3(raw_conn, *args):
    """The raw RESP3 reply to one command on a fresh connection."""
    c = raw_conn()
    c.request(resp_cmd("HELLO", "3"))
    return c.request(resp_cmd(*args))


@pytest.fixture
def limits(r):
    """Restores the set thresholds a test changes."""
    keys = ("set-max-intset-entries", "set-max-listpack-entries", "set-max-listpack-value")
    saved = {k: r("CONFIG", "GET", k)[1] for k in keys}
    yield
    for k, v in saved.items():
        r("CONFIG", "SET", k, v)


def members(r, key):
    return sorted(r("SMEMBERS", key))


# --------------------------------------------------------------------------
# SADD / SREM / membership
# --------------------------------------------------------------------------

def test_sadd_scard_sismember(r):
    assert r("SADD", "s", "a", "b", "a") == 2
    assert r("SADD", "s", "b", "c") == 1
    assert r("SCARD", "s") == 3
    assert r("SISMEMBER", "s", "a") == 1
    assert r("SISMEMBER", "s", "z") == 0
    assert r("SISMEMBER", "nokey", "z") == 0
    assert r("SCARD", "nokey") == 0
    assert r("TYPE", "s") == b"set"


def test_smismember(r, err):
    r("SADD", "s", "a", "c")
    assert r("SMISMEMBER", "s", "a", "z", "c") == [1, 0, 1]
    assert r("SMISMEMBER", "nokey", "a", "b") == [0, 0]
    assert err(r, "SMISMEMBER", "s") == \
        "ERR wrong number of arguments for 'smismember' command"


def test_srem_deletes_key_with_last_member(r):
    r("SADD", "s", "1", "2", "3")
    assert r("SREM", "s", "1", "x", "1") == 1
    assert r("SREM", "s", "2", "3", "4") == 2
    assert r("EXISTS", "s") == 0
    assert r("SREM", "nokey", "1") == 0


def test_binary_members(r):
    r("SADD", "s", b"\x00a\r\n", b"", b"\xff")
    assert r("SISMEMBER", "s", b"\x00a\r\n") == 1
    assert r("SISMEMBER", "s", b"") == 1
    assert sorted(r("SMEMBERS", "s")) == [b"", b"\x00a\r\n", b"\xff"]


# --------------------------------------------------------------------------
# SMEMBERS order and encodings
# --------------------------------------------------------------------------

@pytest.mark.redis72
def test_smembers_orders(r, raw):
    r("SADD", "i", "5", "-1", "3")
    assert r("SMEMBERS", "i") == [b"-1", b"3", b"5"]
    r("SADD", "l", "z", "a", "m")
    assert r("SMEMBERS", "l") == [b"z", b"a", b"m"]
    # 3 and 1 start an intset; "b" turns it into a listpack of the sorted
    # integers, then "2" is appended.
    r("SADD", "m", "3", "1", "b", "2")
    assert r("OBJECT", "ENCODING", "m") == b"listpack"
    assert r("SMEMBERS", "m") == [b"1", b"3", b"b", b"2"]
    assert raw(resp_cmd("SMEMBERS", "nokey")) == b"*0\r\n"


def test_smembers_resp3_is_a_set(r, raw_conn):
    r("SADD", "i", "2", "1")
    assert resp3(raw_conn, "SMEMBERS", "i") == b"~2\r\n$1\r\n1\r\n$1\r\n2\r\n"
    assert resp3(raw_conn, "SMEMBERS", "nokey") == b"~0\r\n"
    assert resp3(raw_conn, "SINTER", "i", "nokey") == b"~0\r\n"
    assert resp3(raw_conn, "SUNION", "i") == b"~2\r\n$1\r\n1\r\n$1\r\n2\r\n"


def test_encoding_intset_to_hashtable(r):
    r("SADD", "i", *range(512))
    assert r("OBJECT", "ENCODING", "i") == b"intset"
    r("SADD", "i", 512)
    assert r("OBJECT", "ENCODING", "i") == b"hashtable"
    assert r("SCARD", "i") == 513


@pytest.mark.redis72
def test_encoding_listpack_to_hashtable(r):
    r("SADD", "l", "a", *range(127))
    assert r("OBJECT", "ENCODING", "l") == b"listpack"
    r("SADD", "l", "b")
    assert r("OBJECT", "ENCODING", "l") == b"hashtable"
    r("SADD", "v", "x" * 65)
    assert r("OBJECT", "ENCODING", "v") == b"hashtable"
    r("SADD", "w", "x" * 64)
    assert r("OBJECT", "ENCODING", "w") == b"listpack"


@pytest.mark.redis72
def test_encoding_string_joins_intset(r):
    r("SADD", "small", 1, 2, 3)
    r("SADD", "small", "a")
    assert r("OBJECT", "ENCODING", "small") == b"listpack"
    r("SADD", "large", *range(130))
    assert r("OBJECT", "ENCODING", "large") == b"intset"
    r("SADD", "large", "a")
    assert r("OBJECT", "ENCODING", "large") == b"hashtable"
    r("SADD", "huge", "213244124402402314402033402")
    assert r("OBJECT", "ENCODING", "huge") == b"listpack"


def test_encoding_size_hint(r):
    r("SADD", "x", "a")
    r("SADD", "x", *[b"m%d" % i for i in range(129)])
    assert r("OBJECT", "ENCODING", "x") == b"hashtable"
    r("SADD", "y", *range(513))
    assert r("OBJECT", "ENCODING", "y") == b"hashtable"


@pytest.mark.redis72
def test_encoding_follows_config(r, limits):
    r("CONFIG", "SET", "set-max-intset-entries", 2)
    r("CONFIG", "SET", "set-max-listpack-entries", 0)
    r("SADD", "i", 1, 2)
    assert r("OBJECT", "ENCODING", "i") == b"intset"
    r("SADD", "i", 3)
    assert r("OBJECT", "ENCODING", "i") == b"hashtable"
    r("SADD", "s", "a")
    assert r("OBJECT", "ENCODING", "s") == b"hashtable"


# --------------------------------------------------------------------------
# SPOP / SRANDMEMBER
# --------------------------------------------------------------------------

def test_spop_single(r, raw):
    assert r("SPOP", "nokey") is None
    r("SADD", "s", "only")
    assert r("SPOP", "s") == b"only"
    assert r("EXISTS", "s") == 0
    assert raw(resp_cmd("SPOP", "nokey")) == b"$-1\r\n"


def test_spop_count_errors(r, err):
    r("SADD", "s", "a")
    assert err(r, "SPOP", "s", -1) == POSITIVE
    assert err(r, "SPOP", "s", "x") == POSITIVE
    assert err(r, "SPOP", "s", 1, 2) == SYNTAX


def test_spop_count_empty_replies(r, raw, raw_conn):
    r("SADD", "s", "a")
    assert raw(resp_cmd("SPOP", "nokey", 3)) == b"*0\r\n"
    assert raw(resp_cmd("SPOP", "s", 0)) == b"*0\r\n"
    assert resp3(raw_conn, "SPOP", "nokey", 3) == b"~0\r\n"
    assert resp3(raw_conn, "SPOP", "s", 0) == b"~0\r\n"


@pytest.mark.redis72
def test_spop_whole_set_in_union_order(r):
    r("SADD", "s", "3", "1", "x", "2")
    assert r("SPOP", "s", 4) == [b"1", b"3", b"x", b"2"]
    assert r("EXISTS", "s") == 0
    r("SADD", "i", 9, 3, 5)
    assert r("SPOP", "i", 10) == [b"3", b"5", b"9"]


@pytest.mark.parametrize("contents", [
    [str(i) for i in range(50)],
    ["m%d" % i for i in range(50)],
    ["m%d" % i for i in range(300)],
])
def test_spop_count_strategies(r, contents):
    r("SADD", "s", *contents)
    left = set(x.encode() for x in contents)
    for count in (1, 3, 40):
        popped = r("SPOP", "s", count)
        assert len(popped) == count and len(set(popped)) == count
        assert set(popped) <= left
        left -= set(popped)
    assert set(r("SMEMBERS", "s")) == left


def test_srandmember_basics(r, raw, err):
    assert r("SRANDMEMBER", "nokey") is None
    assert raw(resp_cmd("SRANDMEMBER", "nokey", 3)) == b"*0\r\n"
    r("SADD", "s", "a")
    assert r("SRANDMEMBER", "s") == b"a"
    assert raw(resp_cmd("SRANDMEMBER", "s", 0)) == b"*0\r\n"
    assert r("SRANDMEMBER", "s", -3) == [b"a", b"a", b"a"]
    assert err(r, "SRANDMEMBER", "s", "-9223372036854775808") == \
        "ERR value is out of range, value must between " \
        "-9223372036854775807 and 9223372036854775807"
    assert err(r, "SRANDMEMBER", "s", 1, 2) == SYNTAX
    assert err(r, "SRANDMEMBER", "s", "x") == NOT_INT


def test_srandmember_resp3_is_an_array(r, raw_conn):
    r("SADD", "s", "a")
    assert resp3(raw_conn, "SRANDMEMBER", "s", 2) == b"*1\r\n$1\r\na\r\n"


@pytest.mark.parametrize("contents", [
    [str(i) for i in range(20)],
    ["m%d" % i for i in range(20)],
    ["m%d" % i for i in range(300)],
])
def test_srandmember_distinct(r, contents):
    r("SADD", "s", *contents)
    everything = set(x.encode() for x in contents)
    for count in (2, 8, 15, len(contents), len(contents) + 5):
        got = r("SRANDMEMBER", "s", count)
        assert len(got) == min(count, len(contents))
        assert len(set(got)) == len(got)
        assert set(got) <= everything
    assert len(r("SRANDMEMBER", "s", -50)) == 50


# --------------------------------------------------------------------------
# SMOVE
# --------------------------------------------------------------------------

def test_smove(r):
    r("SADD", "src", "a", "b")
    assert r("SMOVE", "src", "dst", "a") == 1
    assert r("SMEMBERS", "dst") == [b"a"]
    assert r("SMOVE", "src", "dst", "zz") == 0
    assert r("SMOVE", "src", "dst", "b") == 1
    assert r("EXISTS", "src") == 0
    assert r("SMOVE", "dst", "dst", "a") == 1
    assert r("SMOVE", "dst", "dst", "q") == 0


def test_smove_types(r, err):
    r("SET", "str", "v")
    r("SADD", "s", "a")
    assert r("SMOVE", "nokey", "str", "a") == 0
    assert err(r, "SMOVE", "s", "str", "a") == WRONGTYPE
    assert err(r, "SMOVE", "str", "s", "a") == WRONGTYPE


def test_smove_to_new_intset(r):
    r("SADD", "ints", 1, 2)
    assert r("SMOVE", "ints", "new", 1) == 1
    assert r("OBJECT", "ENCODING", "new") == b"intset"


# --------------------------------------------------------------------------
# SINTER / SUNION / SDIFF and their STORE forms
# --------------------------------------------------------------------------

@pytest.mark.redis72
def test_algebra_reply_order(r):
    r("SADD", "a", "3", "1", "b", "2")
    r("SADD", "i", "5", "3", "9")
    assert r("SUNION", "a", "i") == [b"1", b"3", b"b", b"2", b"5", b"9"]
    assert r("SUNION", "i", "a") == [b"1", b"3", b"5", b"9", b"b", b"2"]
    assert r("SDIFF", "a", "i") == [b"1", b"b", b"2"]
    assert r("SINTER", "a", "i") == [b"3"]


def test_algebra_missing_keys(r):
    r("SADD", "a", "1", "2")
    assert r("SUNION", "nokey", "a") == [b"1", b"2"]
    assert r("SINTER", "a", "nokey") == []
    assert r("SDIFF", "nokey", "a") == []
    assert r("SDIFF", "a", "nokey") == [b"1", b"2"]
    assert r("SDIFF", "a", "a") == []


def test_algebra_big_sets(r):
    a = set(b"m%d" % i for i in range(0, 600, 2))
    b = set(b"m%d" % i for i in range(0, 600, 3))
    r("SADD", "a", *a)
    r("SADD", "b", *b)
    assert set(r("SINTER", "a", "b")) == a & b
    assert set(r("SUNION", "a", "b")) == a | b
    assert set(r("SDIFF", "a", "b")) == a - b
    assert r("SINTERCARD", 2, "a", "b") == len(a & b)


@pytest.mark.redis72
def test_sinterstore_encodings(r):
    r("SADD", "a", "3", "1", "b", "2")
    r("SADD", "l", "x", "3")
    assert r("SINTERSTORE", "d", "a", "l") == 1
    assert r("OBJECT", "ENCODING", "d") == b"intset"
    r("SADD", "p", "a", "b", "c")
    r("SADD", "q", "b", "c", "d")
    assert r("SINTERSTORE", "e", "p", "q") == 2
    assert r("OBJECT", "ENCODING", "e") == b"listpack"
    assert r("SMEMBERS", "e") == [b"b", b"c"]


@pytest.mark.redis72
def test_sinterstore_hashtable_integers_become_intset(r, limits):
    r("CONFIG", "SET", "set-max-intset-entries", 10)
    r("CONFIG", "SET", "set-max-listpack-entries", 0)
    r("SADD", "h1", *range(20))
    r("SADD", "h2", *range(5, 25))
    assert r("OBJECT", "ENCODING", "h1") == b"hashtable"
    r("CONFIG", "SET", "set-max-intset-entries", 512)
    assert r("SINTERSTORE", "r", "h1", "h2") == 15
    assert r("OBJECT", "ENCODING", "r") == b"intset"


@pytest.mark.redis72
def test_store_forms(r):
    r("SADD", "a", "3", "1", "b", "2")
    r("SADD", "l", "x", "3")
    assert r("SUNIONSTORE", "u", "a", "l") == 5
    assert r("SMEMBERS", "u") == [b"1", b"3", b"b", b"2", b"x"]
    assert r("SDIFFSTORE", "df", "a", "l") == 3
    assert members(r, "df") == [b"1", b"2", b"b"]
    r("SET", "str", "v")
    assert r("SUNIONSTORE", "str", "a") == 4
    assert r("TYPE", "str") == b"set"


def test_store_empty_result_deletes_destination(r):
    r("SADD", "a", "1")
    r("SADD", "d", "old")
    r("EXPIRE", "d", 100)
    assert r("SINTERSTORE", "d", "a", "nokey") == 0
    assert r("EXISTS", "d") == 0
    r("SET", "d", "v")
    assert r("SDIFFSTORE", "d", "a", "a") == 0
    assert r("EXISTS", "d") == 0
    r("SET", "d", "v")
    assert r("SUNIONSTORE", "d", "nokey") == 0
    assert r("EXISTS", "d") == 0


def test_store_clears_ttl(r):
    r("SADD", "a", "1")
    r("SADD", "d", "x")
    r("EXPIRE", "d", 100)
    assert r("SUNIONSTORE", "d", "a") == 1
    assert r("TTL", "d") == -1


def test_store_destination_among_sources(r):
    r("SADD", "x", 1, 2, 3)
    r("SADD", "y", 2, 3, 4)
    assert r("SINTERSTORE", "x", "x", "y") == 2
    assert r("SMEMBERS", "x") == [b"2", b"3"]


def test_sintercard(r, err):
    r("SADD", "a", 1, 2, 3, 4)
    r("SADD", "b", 2, 3, 4, 5)
    assert r("SINTERCARD", 2, "a", "b") == 3
    assert r("SINTERCARD", 2, "a", "b", "LIMIT", 2) == 2
    assert r("SINTERCARD", 2, "a", "b", "LIMIT", 0) == 3
    assert r("SINTERCARD", 2, "a", "nokey") == 0


def test_sintercard_errors(r, err):
    r("SADD", "a", 1)
    r("SET", "str", "v")
    assert err(r, "SINTERCARD", 0, "a") == "ERR numkeys should be greater than 0"
    assert err(r, "SINTERCARD", "x", "a") == "ERR numkeys should be greater than 0"
    assert err(r, "SINTERCARD", 3, "a", "b") == \
        "ERR Number of keys can't be greater than number of args"
    assert err(r, "SINTERCARD", 1, "a", "LIMIT", -1) == "ERR LIMIT can't be negative"
    assert err(r, "SINTERCARD", 1, "a", "LIMIT", "x") == "ERR LIMIT can't be negative"
    assert err(r, "SINTERCARD", 1, "a", "LIMIT") == SYNTAX
    assert err(r, "SINTERCARD", 1, "a", "FOO") == SYNTAX
    assert err(r, "SINTERCARD", 2, "a", "str") == WRONGTYPE


def test_sintercard_getkeys(r):
    assert r("COMMAND", "GETKEYS", "SINTERCARD", 2, "a", "b", "LIMIT", 1) == [b"a", b"b"]
    assert r("COMMAND", "GETKEYS", "SINTERSTORE", "d", "a", "b") == [b"d", b"a", b"b"]


# --------------------------------------------------------------------------
# SSCAN
# --------------------------------------------------------------------------

def test_sscan_compact(r, err):
    r("SADD", "i", 10, 2, 30)
    assert r("SSCAN", "i", 0) == [b"0", [b"2", b"10", b"30"]]
    assert r("SSCAN", "i", 0, "MATCH", "*0") == [b"0", [b"10", b"30"]]
    assert err(r, "SSCAN", "i", 0, "COUNT", 0) == SYNTAX
    assert err(r, "SSCAN", "i", "abc") == "ERR invalid cursor"
    assert r("SSCAN", "nokey", 0, "COUNT", 0) == [b"0", []]


def test_sscan_hashtable_iterates_everything(r):
    everything = set(b"m%d" % i for i in range(1000))
    r("SADD", "t", *everything)
    cursor, seen = b"0", set()
    while True:
        cursor, items = r("SSCAN", "t", cursor, "COUNT", 30)
        seen.update(items)
        if cursor == b"0":
            break
    assert seen == everything


# --------------------------------------------------------------------------
# WRONGTYPE and type-generic commands
# --------------------------------------------------------------------------

@pytest.mark.parametrize("args", [
    ["SADD", "s", "a"], ["SREM", "s", "a"], ["SMEMBERS", "s"], ["SISMEMBER", "s", "a"],
    ["SMISMEMBER", "s", "a"], ["SCARD", "s"], ["SPOP", "s"], ["SPOP", "s", 2],
    ["SRANDMEMBER", "s"], ["SRANDMEMBER", "s", 2], ["SINTER", "nokey", "s"],
    ["SUNION", "nokey", "s"], ["SDIFF", "nokey", "s"], ["SINTERSTORE", "d", "nokey", "s"],
    ["SUNIONSTORE", "d", "s"], ["SDIFFSTORE", "d", "s"], ["SINTERCARD", 2, "nokey", "s"],
    ["SSCAN", "s", 0],
])
def test_wrongtype(r, err, args):
    r("SET", "s", "v")
    assert err(r, *args) == WRONGTYPE
    assert r("GET", "s") == b"v"


@pytest.mark.redis72
def test_copy_and_digest(r, limits):
    r("SADD", "i", 3, 1, 2)
    r("SADD", "c", "c", "b", "a")
    assert r("DEBUG", "DIGEST-VALUE", "i", "c") == [
        b"2a462a3f51a1db89738ebbeef0c47ce1bbc85246",
        b"593c2414786d75446e97f4ea5d4b731f3313da72"]
    assert r("COPY", "i", "j") == 1
    assert r("OBJECT", "ENCODING", "j") == b"intset"
    r("SADD", "i", 4)
    assert r("SCARD", "j") == 3
    r("CONFIG", "SET", "set-max-intset-entries", 1)
    r("CONFIG", "SET", "set-max-listpack-entries", 0)
    r("SADD", "t", 3, 1, 2)
    assert r("OBJECT", "ENCODING", "t") == b"hashtable"
    assert r("DEBUG", "DIGEST-VALUE", "t") == [b"2a462a3f51a1db89738ebbeef0c47ce1bbc85246"]


def test_memory_usage_and_scan_type(r):
    r("SADD", "s", "a")
    small = r("MEMORY", "USAGE", "s")
    r("SADD", "s", *[b"member:%d" % i for i in range(300)])
    assert r("MEMORY", "USAGE", "s") > small > 0
    r("SET", "str", "v")
    assert r("SCAN", 0, "TYPE", "set") == [b"0", [b"s"]]
