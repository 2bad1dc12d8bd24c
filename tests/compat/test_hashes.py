"""Hash commands: HSET HSETNX HMSET HGET HMGET HGETALL HDEL HEXISTS HLEN
HSTRLEN HKEYS HVALS HINCRBY HINCRBYFLOAT HRANDFIELD HSCAN, their RESP2 and RESP3
wire forms, error texts, encodings (listpack / hashtable and the thresholds),
WRONGTYPE, and the type-generic commands on hashes (TYPE, COPY, RENAME,
DEBUG DIGEST-VALUE, SCAN TYPE)."""

import pytest

from conftest import resp_cmd

WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value"
NOT_INT = "ERR value is not an integer or out of range"
SYNTAX = "ERR syntax error"


def resp3(raw_conn, *args):
    """The raw RESP3 reply to one command on a fresh connection."""
    c = raw_conn()
    c.request(resp_cmd("HELLO", "3"))
    return c.request(resp_cmd(*args))


@pytest.fixture
def limits(r):
    """Restores the hash thresholds a test changes."""
    saved = {k: r("CONFIG", "GET", k)[1] for k in
             ("hash-max-listpack-entries", "hash-max-listpack-value")}
    yield
    for k, v in saved.items():
        r("CONFIG", "SET", k, v)


# --------------------------------------------------------------------------
# HSET / HGET / HMSET / HSETNX
# --------------------------------------------------------------------------

def test_hset_counts_new_fields(r):
    assert r("HSET", "h", "a", "1", "b", "2") == 2
    assert r("HSET", "h", "a", "x", "c", "3") == 1
    assert r("HGET", "h", "a") == b"x"
    assert r("HLEN", "h") == 3
    assert r("TYPE", "h") == b"hash"


def test_hget_missing(r, raw):
    r("HSET", "h", "a", "1")
    assert r("HGET", "h", "nope") is None
    assert raw(resp_cmd("HGET", "nokey", "f")) == b"$-1\r\n"


def test_hget_missing_resp3(raw_conn):
    assert resp3(raw_conn, "HGET", "nokey", "f") == b"_\r\n"


def test_hset_wrong_arity(r, err):
    assert err(r, "HSET", "h", "a", "1", "b") == \
        "ERR wrong number of arguments for 'hset' command"
    assert err(r, "HSET", "h", "a") == \
        "ERR wrong number of arguments for 'hset' command"
    assert err(r, "HMSET", "h", "a", "1", "b") == \
        "ERR wrong number of arguments for 'hmset' command"
    assert r("EXISTS", "h") == 0


def test_hmset_replies_ok(r, raw):
    assert r("HMSET", "h", "a", "1", "b", "2") == b"OK"
    assert raw(resp_cmd("HMSET", "h", "c", "3")) == b"+OK\r\n"
    assert r("HMGET", "h", "a", "b", "c") == [b"1", b"2", b"3"]


def test_hsetnx(r):
    assert r("HSETNX", "h", "a", "1") == 1
    assert r("HSETNX", "h", "a", "2") == 0
    assert r("HGET", "h", "a") == b"1"


def test_binary_fields_and_values(r):
    r("HSET", "h", b"\x00f\r\n", b"\xff\x00v")
    assert r("HGET", "h", b"\x00f\r\n") == b"\xff\x00v"
    r("HSET", "h", "", "")
    assert r("HGET", "h", "") == b""
    assert r("HSTRLEN", "h", "") == 0


# --------------------------------------------------------------------------
# Reads
# --------------------------------------------------------------------------

def test_hmget(r):
    r("HSET", "h", "a", "1", "b", "2")
    assert r("HMGET", "h", "a", "x", "b") == [b"1", None, b"2"]
    assert r("HMGET", "nokey", "a", "b") == [None, None]


def test_hgetall_small_hash_keeps_insertion_order(r):
    r("HSET", "h", "z", "1", "a", "2", "m", "3")
    assert r("HGETALL", "h") == [b"z", b"1", b"a", b"2", b"m", b"3"]
    assert r("HKEYS", "h") == [b"z", b"a", b"m"]
    assert r("HVALS", "h") == [b"1", b"2", b"3"]


def test_hgetall_missing(r, raw):
    assert r("HGETALL", "nokey") == []
    assert raw(resp_cmd("HKEYS", "nokey")) == b"*0\r\n"


def test_hgetall_resp3_is_a_map(r, raw_conn):
    r("HSET", "h", "a", "1", "b", "2")
    assert resp3(raw_conn, "HGETALL", "h") == \
        b"%2\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n"
    assert resp3(raw_conn, "HGETALL", "nokey") == b"%0\r\n"
    assert resp3(raw_conn, "HKEYS", "h") == b"*2\r\n$1\r\na\r\n$1\r\nb\r\n"


def test_hgetall_big_hash(r):
    fields = {b"field:%d" % i: b"value:%d" % i for i in range(300)}
    r("HSET", "h", *[x for kv in fields.items() for x in kv])
    flat = r("HGETALL", "h")
    assert dict(zip(flat[0::2], flat[1::2])) == fields
    assert sorted(r("HKEYS", "h")) == sorted(fields)


def test_hexists_hlen_hstrlen(r):
    r("HSET", "h", "a", "hello", "n", "-123", "big", "9223372036854775807")
    assert r("HEXISTS", "h", "a") == 1
    assert r("HEXISTS", "h", "b") == 0
    assert r("HEXISTS", "nokey", "b") == 0
    assert r("HSTRLEN", "h", "a") == 5
    assert r("HSTRLEN", "h", "n") == 4
    assert r("HSTRLEN", "h", "big") == 19
    assert r("HSTRLEN", "h", "nope") == 0
    assert r("HLEN", "nokey") == 0


def test_hdel_removes_key_with_last_field(r):
    r("HSET", "h", "a", "1", "b", "2", "c", "3")
    assert r("HDEL", "h", "a", "nope", "a") == 1
    assert r("HDEL", "h", "b", "c", "d") == 2
    assert r("EXISTS", "h") == 0
    assert r("HDEL", "nokey", "a") == 0


# --------------------------------------------------------------------------
# HINCRBY / HINCRBYFLOAT
# --------------------------------------------------------------------------

def test_hincrby(r):
    assert r("HINCRBY", "h", "n", 5) == 5
    assert r("HINCRBY", "h", "n", -10) == -5
    assert r("HGET", "h", "n") == b"-5"
    r("HSET", "h", "big", "17179869184")
    assert r("HINCRBY", "h", "big", 17179869184) == 34359738368


@pytest.mark.parametrize("value", [" 11", "11 ", "1.5", "abc", ""])
def test_hincrby_non_integer_value(r, err, value):
    r("HSET", "h", "f", value)
    assert err(r, "HINCRBY", "h", "f", 1) == "ERR hash value is not an integer"


def test_hincrby_errors(r, err):
    r("HSET", "h", "f", "9223372036854775807", "g", "-9223372036854775808")
    assert err(r, "HINCRBY", "h", "f", 1) == "ERR increment or decrement would overflow"
    assert err(r, "HINCRBY", "h", "g", -1) == "ERR increment or decrement would overflow"
    assert err(r, "HINCRBY", "h", "f", "x") == NOT_INT
    assert err(r, "HINCRBY", "h", "f", "9223372036854775808") == NOT_INT


def test_hincrbyfloat(r):
    assert r("HINCRBYFLOAT", "h", "f", "10.5") == b"10.5"
    assert r("HINCRBYFLOAT", "h", "f", "0.1") == b"10.6"
    assert r("HINCRBYFLOAT", "h", "g", "1.23") == b"1.23"
    assert r("HINCRBYFLOAT", "h", "g", "0.77") == b"2"
    assert r("HINCRBYFLOAT", "h", "g", "-0.1") == b"1.9"
    assert r("HINCRBYFLOAT", "h", "e", "5.0e3") == b"5000"
    assert r("HGET", "h", "e") == b"5000"
    r("HSET", "h", "i", "17179869184")
    assert r("HINCRBYFLOAT", "h", "i", "17179869184") == b"34359738368"


def test_hincrbyfloat_resp3_is_bulk(r, raw_conn):
    assert resp3(raw_conn, "HINCRBYFLOAT", "h", "f", "1.5") == b"$3\r\n1.5\r\n"


def test_hincrbyfloat_errors(r, err):
    r("HSET", "h", "s", "abc", "sp", " 1", "nul", b"1\x002", "huge", "1e4932")
    assert err(r, "HINCRBYFLOAT", "h", "s", 1) == "ERR hash value is not a float"
    assert err(r, "HINCRBYFLOAT", "h", "sp", 1) == "ERR hash value is not a float"
    assert err(r, "HINCRBYFLOAT", "h", "nul", 1) == "ERR hash value is not a float"
    assert err(r, "HINCRBYFLOAT", "h", "s", "x") == "ERR value is not a valid float"
    assert err(r, "HINCRBYFLOAT", "h", "huge", "1e4932") == \
        "ERR increment would produce NaN or Infinity"


@pytest.mark.parametrize("incr", ["+inf", "-inf", "inf"])
def test_hincrbyfloat_rejects_infinity(r, err, incr):
    assert err(r, "HINCRBYFLOAT", "hfoo", "f", incr) == "ERR value is NaN or Infinity"
    assert r("EXISTS", "hfoo") == 0


# --------------------------------------------------------------------------
# HRANDFIELD
# --------------------------------------------------------------------------

def test_hrandfield_basics(r, raw):
    assert r("HRANDFIELD", "nokey") is None
    assert raw(resp_cmd("HRANDFIELD", "nokey", 5)) == b"*0\r\n"
    r("HSET", "h", "a", "1")
    assert r("HRANDFIELD", "h") == b"a"
    assert raw(resp_cmd("HRANDFIELD", "h", 0)) == b"*0\r\n"
    assert r("HRANDFIELD", "h", -3) == [b"a", b"a", b"a"]
    assert r("HRANDFIELD", "h", 5) == [b"a"]
    assert r("HRANDFIELD", "h", -2, "WITHVALUES") == [b"a", b"1", b"a", b"1"]


def test_hrandfield_resp3_pairs(r, raw_conn):
    r("HSET", "h", "a", "1")
    assert resp3(raw_conn, "HRANDFIELD", "h", -2, "WITHVALUES") == \
        b"*2\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n"
    assert resp3(raw_conn, "HRANDFIELD", "h", 3, "WITHVALUES") == \
        b"*1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n"
    assert resp3(raw_conn, "HRANDFIELD", "h", 3) == b"*1\r\n$1\r\na\r\n"
    assert resp3(raw_conn, "HRANDFIELD", "nokey", 3) == b"*0\r\n"


def test_hrandfield_errors(r, err):
    r("HSET", "h", "a", "1")
    assert err(r, "HRANDFIELD", "h", "-9223372036854775808") == \
        "ERR value is out of range, value must between " \
        "-9223372036854775807 and 9223372036854775807"
    assert err(r, "HRANDFIELD", "h", "-9223372036854770000", "WITHVALUES") == \
        "ERR value is out of range"
    assert err(r, "HRANDFIELD", "h", 1, "FOO") == SYNTAX
    assert err(r, "HRANDFIELD", "h", 1, "WITHVALUES", "x") == SYNTAX
    assert err(r, "HRANDFIELD", "h", "x") == NOT_INT


@pytest.mark.parametrize("entries", [512, 0])
def test_hrandfield_distinct(r, limits, entries):
    r("CONFIG", "SET", "hash-max-listpack-entries", entries)
    fields = {b"f%d" % i: b"v%d" % i for i in range(10)}
    r("HSET", "h", *[x for kv in fields.items() for x in kv])
    for count in (2, 8, 9):
        got = r("HRANDFIELD", "h", count)
        assert len(got) == count and len(set(got)) == count
        assert set(got) <= set(fields)
        pairs = r("HRANDFIELD", "h", count, "WITHVALUES")
        assert all(fields[f] == v for f, v in zip(pairs[0::2], pairs[1::2]))
    assert sorted(r("HRANDFIELD", "h", 20)) == sorted(fields)
    assert len(r("HRANDFIELD", "h", -1000)) == 1000


# --------------------------------------------------------------------------
# HSCAN
# --------------------------------------------------------------------------

def test_hscan_small_hash(r):
    r("HSET", "h", "a1", "1", "b1", "2", "a2", "3")
    assert r("HSCAN", "h", 0) == [b"0", [b"a1", b"1", b"b1", b"2", b"a2", b"3"]]
    assert r("HSCAN", "h", 0, "MATCH", "a*") == [b"0", [b"a1", b"1", b"a2", b"3"]]
    assert r("HSCAN", "h", 0, "MATCH", "a*", "COUNT", 1) == \
        [b"0", [b"a1", b"1", b"a2", b"3"]]


def test_hscan_big_hash_iterates_everything(r):
    fields = {b"f%d" % i: b"v%d" % i for i in range(1000)}
    r("HSET", "h", *[x for kv in fields.items() for x in kv])
    cursor, seen = b"0", {}
    while True:
        cursor, items = r("HSCAN", "h", cursor, "COUNT", 50)
        seen.update(zip(items[0::2], items[1::2]))
        if cursor == b"0":
            break
    assert seen == fields


def test_hscan_errors_and_missing_key(r, err):
    r("HSET", "h", "a", "1")
    assert err(r, "HSCAN", "h", 0, "COUNT", 0) == SYNTAX
    assert err(r, "HSCAN", "h", 0, "COUNT", "x") == NOT_INT
    assert err(r, "HSCAN", "h", 0, "FOO") == SYNTAX
    assert err(r, "HSCAN", "h", "x") == "ERR invalid cursor"
    # The key is looked up before the options are parsed.
    assert r("HSCAN", "nokey", 0, "COUNT", 0) == [b"0", []]


# --------------------------------------------------------------------------
# Encodings
# --------------------------------------------------------------------------

def test_encoding_listpack_then_hashtable(r):
    # Redis 7.2's hash-max-listpack-entries default is 512 (not 128 as for sets and sorted sets).
    assert r("CONFIG", "GET", "hash-max-listpack-entries") == [b"hash-max-listpack-entries", b"512"]
    r("HSET", "h", *[x for i in range(512) for x in (b"f%d" % i, b"v")])
    assert r("OBJECT", "ENCODING", "h") == b"listpack"
    r("HSET", "h", "f512", "v")
    assert r("OBJECT", "ENCODING", "h") == b"hashtable"
    r("HDEL", "h", *[b"f%d" % i for i in range(500)])
    assert r("OBJECT", "ENCODING", "h") == b"hashtable"


def test_encoding_long_value(r):
    r("HSET", "h", "f", "x" * 64)
    assert r("OBJECT", "ENCODING", "h") == b"listpack"
    r("HSET", "h", "f", "x" * 65)
    assert r("OBJECT", "ENCODING", "h") == b"hashtable"
    r("HSET", "g", "x" * 65, "v")
    assert r("OBJECT", "ENCODING", "g") == b"hashtable"


def test_encoding_follows_config(r, limits):
    assert r("CONFIG", "SET", "hash-max-ziplist-value", "1kb") == b"OK"
    assert r("CONFIG", "GET", "hash-max-listpack-value") == [b"hash-max-listpack-value", b"1024"]
    assert r("CONFIG", "SET", "hash-max-ziplist-entries", 2) == b"OK"
    assert r("CONFIG", "SET", "hash-max-listpack-value", 4) == b"OK"
    r("HSET", "a", "f1", "1", "f2", "2")
    assert r("OBJECT", "ENCODING", "a") == b"listpack"
    r("HSET", "a", "f3", "3")
    assert r("OBJECT", "ENCODING", "a") == b"hashtable"
    r("HSET", "b", "f", "1")
    assert r("HINCRBYFLOAT", "b", "f", "0.125") == b"1.125"
    assert r("OBJECT", "ENCODING", "b") == b"hashtable"
    r("HSET", "c", "f", "1")
    assert r("HINCRBY", "c", "f", 99999) == 100000
    assert r("OBJECT", "ENCODING", "c") == b"hashtable"


# --------------------------------------------------------------------------
# WRONGTYPE and type-generic commands
# --------------------------------------------------------------------------

@pytest.mark.parametrize("args", [
    ["HSET", "s", "a", "1"], ["HMSET", "s", "a", "1"], ["HSETNX", "s", "a", "1"],
    ["HGET", "s", "a"], ["HMGET", "s", "a"], ["HGETALL", "s"], ["HDEL", "s", "a"],
    ["HLEN", "s"], ["HEXISTS", "s", "a"], ["HSTRLEN", "s", "a"], ["HKEYS", "s"],
    ["HVALS", "s"], ["HINCRBY", "s", "a", 1], ["HINCRBYFLOAT", "s", "a", 1],
    ["HRANDFIELD", "s"], ["HRANDFIELD", "s", 2], ["HSCAN", "s", 0],
])
def test_wrongtype(r, err, args):
    r("SET", "s", "v")
    assert err(r, *args) == WRONGTYPE
    assert r("GET", "s") == b"v"


def test_string_commands_on_a_hash(r, err):
    r("HSET", "h", "f", "v")
    assert err(r, "GET", "h") == WRONGTYPE
    assert err(r, "APPEND", "h", "x") == WRONGTYPE
    assert r("SET", "h", "v") == b"OK"
    assert r("TYPE", "h") == b"string"


def test_copy_rename_digest(r):
    r("HSET", "h", "a", "1", "b", "2", "c", "3")
    assert r("COPY", "h", "h2") == 1
    r("HSET", "h", "a", "changed")
    assert r("HGET", "h2", "a") == b"1"
    assert r("OBJECT", "ENCODING", "h2") == b"listpack"
    assert r("DEBUG", "DIGEST-VALUE", "h2") == \
        [b"b60c36e529712296d694f27b5914cbe84950995e"]
    assert r("RENAME", "h2", "h3") == b"OK"
    assert r("HGETALL", "h3") == [b"a", b"1", b"b", b"2", b"c", b"3"]


def test_digest_does_not_depend_on_encoding(r, limits):
    r("HSET", "small", "a", "1", "b", "2", "c", "3")
    r("CONFIG", "SET", "hash-max-listpack-entries", 0)
    r("HSET", "big", "c", "3", "b", "2", "a", "1")
    assert r("OBJECT", "ENCODING", "big") == b"hashtable"
    assert r("DEBUG", "DIGEST-VALUE", "small") == r("DEBUG", "DIGEST-VALUE", "big")


def test_memory_usage_and_scan_type(r):
    r("HSET", "h", "a", "1")
    small = r("MEMORY", "USAGE", "h")
    r("HSET", "h", *[x for i in range(300) for x in (b"field:%d" % i, b"value:%d" % i)])
    assert r("MEMORY", "USAGE", "h") > small > 0
    r("SET", "s", "v")
    assert r("SCAN", 0, "TYPE", "hash") == [b"0", [b"h"]]
