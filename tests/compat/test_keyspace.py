"""Generic keyspace commands: DEL UNLINK EXISTS TYPE RENAME RENAMENX KEYS SCAN
RANDOMKEY TOUCH COPY MOVE DBSIZE FLUSHDB FLUSHALL SWAPDB OBJECT, and the
EXPIRE family (argument handling; real expiry is in test_expire.py)."""

import time

import pytest

# --------------------------------------------------------------------------
# DEL / UNLINK / EXISTS / TOUCH
# --------------------------------------------------------------------------


def test_del_counts_removed(r):
    r("MSET", "a", "1", "b", "2")
    assert r("DEL", "a", "b", "nokey") == 2
    assert r("EXISTS", "a", "b") == 0


def test_del_repeated_key_counted_once(r):
    r("SET", "a", "1")
    assert r("DEL", "a", "a", "a") == 1


def test_del_missing(r):
    assert r("DEL", "nokey") == 0


def test_unlink(r):
    r("MSET", "a", "1", "b", "2")
    assert r("UNLINK", "a", "b", "c", "a") == 2
    assert r("DBSIZE") == 0


@pytest.mark.parametrize("cmd", ["DEL", "UNLINK", "EXISTS", "TOUCH"])
def test_multi_key_arity(r, err, cmd):
    assert err(r, cmd) == \
        "ERR wrong number of arguments for '%s' command" % cmd.lower()


def test_exists_counts_repeats(r):
    r("SET", "a", "1")
    assert r("EXISTS", "a") == 1
    assert r("EXISTS", "a", "a", "nokey", "a") == 3
    assert r("EXISTS", "nokey") == 0


def test_touch_counts_existing_including_repeats(r):
    r("SET", "a", "1")
    assert r("TOUCH", "a", "nokey", "a") == 2


def test_binary_safe_keys(r):
    key = b"\x00\r\n\xff key"
    assert r("SET", key, b"v") == b"OK"
    assert r("EXISTS", key) == 1
    assert r("KEYS", "*") == [key]
    assert r("DEL", key) == 1


# --------------------------------------------------------------------------
# TYPE
# --------------------------------------------------------------------------

def test_type_string_and_none(r):
    r("SET", "s", "v")
    assert r("TYPE", "s") == b"string"
    assert r("TYPE", "nokey") == b"none"


def test_type_wire_is_status(raw):
    assert raw(b"TYPE nokey-type\r\n") == b"+none\r\n"


def test_type_collections(r):
    r("LPUSH", "l", "x")
    r("HSET", "h", "f", "v")
    r("SADD", "s", "m")
    r("ZADD", "z", "1", "m")
    assert [r("TYPE", k) for k in ("l", "h", "s", "z")] == \
        [b"list", b"hash", b"set", b"zset"]


# --------------------------------------------------------------------------
# RENAME / RENAMENX
# --------------------------------------------------------------------------

def test_rename(r):
    r("SET", "a", "1")
    assert r("RENAME", "a", "b") == b"OK"
    assert r("GET", "a") is None
    assert r("GET", "b") == b"1"


def test_rename_overwrites_destination(r):
    r("MSET", "a", "1", "b", "2")
    assert r("RENAME", "a", "b") == b"OK"
    assert r("MGET", "a", "b") == [None, b"1"]


def test_rename_no_such_key(r, err):
    assert err(r, "RENAME", "nokey", "x") == "ERR no such key"


def test_rename_same_key(r, err):
    r("SET", "a", "1")
    assert r("RENAME", "a", "a") == b"OK"
    assert r("GET", "a") == b"1"
    assert err(r, "RENAME", "nokey", "nokey") == "ERR no such key"


def test_rename_keeps_ttl(r):
    r("SET", "a", "1", "EX", 100)
    r("RENAME", "a", "b")
    assert 95 <= r("TTL", "b") <= 100


def test_rename_clears_destination_ttl(r):
    r("SET", "a", "1")
    r("SET", "b", "2", "EX", 100)
    r("RENAME", "a", "b")
    assert r("TTL", "b") == -1


def test_renamenx(r, err):
    r("MSET", "a", "1", "b", "2")
    assert r("RENAMENX", "a", "b") == 0
    assert r("RENAMENX", "a", "c") == 1
    assert r("MGET", "a", "b", "c") == [None, b"2", b"1"]
    assert r("RENAMENX", "c", "c") == 0
    assert err(r, "RENAMENX", "nokey", "x") == "ERR no such key"


# --------------------------------------------------------------------------
# KEYS
# --------------------------------------------------------------------------

GLOB_KEYS = ["hello", "hallo", "hxllo", "hllo", "heeeello", "h*llo", "h?llo",
             "[a]", "a\\b", "hbllo", "h-llo", "x]"]


@pytest.fixture
def globkeys(r):
    args = []
    for k in GLOB_KEYS:
        args += [k, "1"]
    r("MSET", *args)
    return r


@pytest.mark.parametrize("pattern,expected", [
    ("*", GLOB_KEYS),
    ("h?llo", ["hello", "hallo", "hxllo", "h*llo", "h?llo", "hbllo", "h-llo"]),
    ("h*llo", ["hello", "hallo", "hxllo", "hllo", "heeeello", "h*llo", "h?llo",
               "hbllo", "h-llo"]),
    ("h[ae]llo", ["hello", "hallo"]),
    ("h[^e]llo", ["hallo", "hxllo", "h*llo", "h?llo", "hbllo", "h-llo"]),
    ("h[a-b]llo", ["hallo", "hbllo"]),
    ("h[b-a]llo", ["hallo", "hbllo"]),          # reversed range still works
    ("h\\*llo", ["h*llo"]),
    ("h\\?llo", ["h?llo"]),
    ("\\[a\\]", ["[a]"]),
    ("[[]a]", ["[a]"]),
    ("a\\\\b", ["a\\b"]),
    ("h[\\-]llo", ["h-llo"]),
    ("h[!e]llo", ["hello"]),                     # '!' is NOT negation
    ("x]", ["x]"]),
    ("h[e", []),                                 # unterminated class
    ("nomatch*", []),
    ("hello", ["hello"]),
])
def test_keys_glob(globkeys, pattern, expected):
    got = sorted(globkeys("KEYS", pattern))
    assert got == sorted(k.encode() for k in expected)


def test_keys_empty_db(r):
    assert r("KEYS", "*") == []


def test_keys_arity(r, err):
    assert err(r, "KEYS") == "ERR wrong number of arguments for 'keys' command"


def test_keys_only_current_db(r):
    r("SET", "a", "1")
    r("SELECT", 1)
    r("SET", "b", "1")
    assert r("KEYS", "*") == [b"b"]


# --------------------------------------------------------------------------
# SCAN
# --------------------------------------------------------------------------

def scan_all(c, *args):
    seen = []
    cursor = b"0"
    calls = 0
    while True:
        reply = c("SCAN", cursor, *args)
        assert isinstance(reply, list) and len(reply) == 2
        cursor, keys = reply
        assert isinstance(cursor, bytes) and cursor.isdigit()
        seen.extend(keys)
        calls += 1
        assert calls < 100000
        if cursor == b"0":
            return seen, calls


def test_scan_sees_every_key(r):
    keys = {b"key:%d" % i for i in range(500)}
    r("DEBUG", "POPULATE", 500)
    seen, calls = scan_all(r)
    assert set(seen) == keys
    assert calls > 1  # default COUNT is 10: several round trips


def test_scan_count(r):
    r("DEBUG", "POPULATE", 300)
    seen, calls = scan_all(r, "COUNT", 1000)
    assert len(set(seen)) == 300
    assert len(seen) == 300
    assert calls <= 2


def test_scan_match(r):
    for i in range(100):
        r("SET", "user:%d" % i, i)
        r("SET", "other:%d" % i, i)
    seen, _ = scan_all(r, "MATCH", "user:*", "COUNT", 20)
    assert set(seen) == {b"user:%d" % i for i in range(100)}


def test_scan_match_no_hits_still_iterates(r):
    r("DEBUG", "POPULATE", 50)
    seen, _ = scan_all(r, "MATCH", "nothing*")
    assert seen == []


def test_scan_type_string(r):
    r("MSET", "a", "1", "b", "2", "c", "3")
    seen, _ = scan_all(r, "TYPE", "string")
    assert sorted(seen) == [b"a", b"b", b"c"]
    seen, _ = scan_all(r, "TYPE", "STRING")  # case-insensitive
    assert sorted(seen) == [b"a", b"b", b"c"]


def test_scan_type_filters_collections(r):
    r("MSET", "a", "1", "b", "2")
    r("LPUSH", "l", "x")
    seen, _ = scan_all(r, "TYPE", "list")
    assert seen == [b"l"]
    seen, _ = scan_all(r, "TYPE", "string")
    assert sorted(seen) == [b"a", b"b"]


def test_scan_unknown_type_matches_nothing(r):
    r("MSET", "a", "1", "b", "2")
    seen, _ = scan_all(r, "TYPE", "foo")
    assert seen == []


def test_scan_empty_db(r):
    assert r("SCAN", 0) == [b"0", []]


def test_scan_empty_string_cursor_is_zero(r):
    assert r("SCAN", "") == [b"0", []]


@pytest.mark.parametrize("cursor", ["abc", "1.5", "18446744073709551616", "1x"])
def test_scan_invalid_cursor(r, err, cursor):
    assert err(r, "SCAN", cursor) == "ERR invalid cursor"


def test_scan_syntax_errors(r, err):
    assert err(r, "SCAN", 0, "COUNT", 0) == "ERR syntax error"
    assert err(r, "SCAN", 0, "COUNT", "abc") == \
        "ERR value is not an integer or out of range"
    assert err(r, "SCAN", 0, "MATCH") == "ERR syntax error"
    assert err(r, "SCAN", 0, "TYPE") == "ERR syntax error"
    assert err(r, "SCAN", 0, "foo") == "ERR syntax error"


# --------------------------------------------------------------------------
# RANDOMKEY / DBSIZE
# --------------------------------------------------------------------------

def test_randomkey_empty(r):
    assert r("RANDOMKEY") is None


def test_randomkey(r):
    r("SET", "only", "1")
    assert r("RANDOMKEY") == b"only"
    r("MSET", "a", "1", "b", "2")
    for _ in range(10):
        assert r("RANDOMKEY") in (b"only", b"a", b"b")


def test_dbsize(r, err):
    assert r("DBSIZE") == 0
    r("MSET", "a", "1", "b", "2")
    assert r("DBSIZE") == 2
    r("SELECT", 2)
    assert r("DBSIZE") == 0
    assert err(r, "DBSIZE", "x") == "ERR wrong number of arguments for 'dbsize' command"


# --------------------------------------------------------------------------
# FLUSHDB / FLUSHALL / SWAPDB
# --------------------------------------------------------------------------

@pytest.mark.parametrize("mode", [[], ["ASYNC"], ["SYNC"], ["async"]])
def test_flushdb_only_current(r, mode):
    r("SET", "a", "1")
    r("SELECT", 1)
    r("SET", "b", "1")
    assert r("FLUSHDB", *mode) == b"OK"
    assert r("DBSIZE") == 0
    r("SELECT", 0)
    assert r("GET", "a") == b"1"


@pytest.mark.parametrize("mode", [[], ["ASYNC"], ["SYNC"]])
def test_flushall_every_db(r, mode):
    r("SET", "a", "1")
    r("SELECT", 1)
    r("SET", "b", "1")
    assert r("FLUSHALL", *mode) == b"OK"
    assert r("DBSIZE") == 0
    r("SELECT", 0)
    assert r("DBSIZE") == 0


def test_flush_syntax_errors(r, err):
    assert err(r, "FLUSHDB", "foo") == "ERR syntax error"
    assert err(r, "FLUSHALL", "foo") == "ERR syntax error"
    assert err(r, "FLUSHALL", "ASYNC", "SYNC") == "ERR syntax error"


def test_swapdb(r):
    r("SET", "a", "db0")
    r("SELECT", 1)
    r("SET", "b", "db1")
    assert r("SWAPDB", 0, 1) == b"OK"
    # this connection stays on db 1, which now holds db0's data
    assert r("KEYS", "*") == [b"a"]
    r("SELECT", 0)
    assert r("KEYS", "*") == [b"b"]


def test_swapdb_same_db(r):
    r("SET", "a", "1")
    assert r("SWAPDB", 0, 0) == b"OK"
    assert r("GET", "a") == b"1"


def test_swapdb_errors(r, err):
    assert err(r, "SWAPDB", 0, 16) == "ERR DB index is out of range"
    assert err(r, "SWAPDB", "a", 1) == "ERR invalid first DB index"
    assert err(r, "SWAPDB", 1, "b") == "ERR invalid second DB index"


# --------------------------------------------------------------------------
# COPY / MOVE
# --------------------------------------------------------------------------

def test_copy(r):
    r("SET", "a", "v")
    assert r("COPY", "a", "b") == 1
    assert r("MGET", "a", "b") == [b"v", b"v"]


def test_copy_existing_destination(r):
    r("MSET", "a", "new", "b", "old")
    assert r("COPY", "a", "b") == 0
    assert r("GET", "b") == b"old"
    assert r("COPY", "a", "b", "REPLACE") == 1
    assert r("GET", "b") == b"new"


def test_copy_missing_source(r):
    assert r("COPY", "nokey", "b") == 0


def test_copy_db(r):
    r("SET", "a", "v")
    assert r("COPY", "a", "a", "DB", 3) == 1
    r("SELECT", 3)
    assert r("GET", "a") == b"v"


def test_copy_keeps_ttl(r):
    r("SET", "a", "v", "EX", 100)
    r("COPY", "a", "b")
    assert 95 <= r("TTL", "b") <= 100


def test_copy_errors(r, err):
    r("SET", "a", "v")
    assert err(r, "COPY", "a", "a") == "ERR source and destination objects are the same"
    assert err(r, "COPY", "a", "b", "DB", 16) == "ERR DB index is out of range"
    assert err(r, "COPY", "a", "b", "DB", "abc") == \
        "ERR value is not an integer or out of range"
    assert err(r, "COPY", "a", "b", "foo") == "ERR syntax error"


def test_move(r):
    r("SET", "a", "v")
    assert r("MOVE", "a", 1) == 1
    assert r("EXISTS", "a") == 0
    r("SELECT", 1)
    assert r("GET", "a") == b"v"


def test_move_target_exists(r):
    r("SET", "a", "db0")
    r("SELECT", 1)
    r("SET", "a", "db1")
    r("SELECT", 0)
    assert r("MOVE", "a", 1) == 0
    assert r("GET", "a") == b"db0"


def test_move_missing_key(r):
    assert r("MOVE", "nokey", 1) == 0


def test_move_errors(r, err):
    r("SET", "a", "v")
    assert err(r, "MOVE", "a", 0) == "ERR source and destination objects are the same"
    assert err(r, "MOVE", "a", 16) == "ERR DB index is out of range"
    assert err(r, "MOVE", "a", "abc") == "ERR value is not an integer or out of range"


# --------------------------------------------------------------------------
# EXPIRE family: options and argument errors
# --------------------------------------------------------------------------

def test_ttl_pttl_no_key_and_no_ttl(r):
    assert r("TTL", "nokey") == -2
    assert r("PTTL", "nokey") == -2
    r("SET", "a", "1")
    assert r("TTL", "a") == -1
    assert r("PTTL", "a") == -1


def test_expire_and_ttl(r):
    r("SET", "a", "1")
    assert r("EXPIRE", "a", 100) == 1
    assert 99 <= r("TTL", "a") <= 100
    assert 99000 <= r("PTTL", "a") <= 100000


def test_pexpire(r):
    r("SET", "a", "1")
    assert r("PEXPIRE", "a", 100000) == 1
    assert 99 <= r("TTL", "a") <= 100


def test_expireat_and_expiretime(r):
    r("SET", "a", "1")
    assert r("EXPIREAT", "a", 4102444800) == 1
    assert r("EXPIRETIME", "a") == 4102444800
    assert r("PEXPIRETIME", "a") == 4102444800000


def test_pexpireat_and_pexpiretime(r):
    r("SET", "a", "1")
    assert r("PEXPIREAT", "a", 4102444800123) == 1
    assert r("PEXPIRETIME", "a") == 4102444800123
    assert r("EXPIRETIME", "a") == 4102444800


def test_expiretime_no_key_no_ttl(r):
    assert r("EXPIRETIME", "nokey") == -2
    assert r("PEXPIRETIME", "nokey") == -2
    r("SET", "a", "1")
    assert r("EXPIRETIME", "a") == -1
    assert r("PEXPIRETIME", "a") == -1


@pytest.mark.parametrize("cmd", ["EXPIRE", "PEXPIRE", "EXPIREAT", "PEXPIREAT"])
def test_expire_missing_key_returns_zero(r, cmd):
    assert r(cmd, "nokey", 100) == 0
    assert r("EXISTS", "nokey") == 0


def test_expire_nx(r):
    r("SET", "a", "1")
    assert r("EXPIRE", "a", 100, "NX") == 1
    assert r("EXPIRE", "a", 200, "NX") == 0
    assert r("TTL", "a") <= 100


def test_expire_xx(r):
    r("SET", "a", "1")
    assert r("EXPIRE", "a", 100, "XX") == 0
    assert r("TTL", "a") == -1
    r("EXPIRE", "a", 100)
    assert r("EXPIRE", "a", 200, "XX") == 1
    assert r("TTL", "a") > 100


def test_expire_gt_without_ttl_fails(r):
    # no TTL counts as an infinite TTL: GT never succeeds, LT always does
    r("SET", "a", "1")
    assert r("EXPIRE", "a", 100, "GT") == 0
    assert r("TTL", "a") == -1
    assert r("EXPIRE", "a", 100, "LT") == 1
    assert 99 <= r("TTL", "a") <= 100


def test_expire_gt_lt_compare(r):
    r("SET", "a", "1", "EX", 100)
    assert r("EXPIRE", "a", 50, "GT") == 0
    assert r("EXPIRE", "a", 200, "GT") == 1
    assert r("EXPIRE", "a", 300, "LT") == 0
    assert r("EXPIRE", "a", 150, "LT") == 1
    assert 149 <= r("TTL", "a") <= 150


def test_expire_options_case_insensitive_and_repeatable(r):
    r("SET", "a", "1")
    assert r("PEXPIRE", "a", 100000, "nx", "NX") == 1
    assert r("EXPIRE", "a", 200, "gt", "xx") == 1


@pytest.mark.parametrize("opts", [["NX", "XX"], ["NX", "GT"], ["NX", "LT"],
                                  ["XX", "NX"]])
def test_expire_nx_incompatible(r, err, opts):
    r("SET", "a", "1")
    assert err(r, "EXPIRE", "a", 100, *opts) == \
        "ERR NX and XX, GT or LT options at the same time are not compatible"


def test_expire_gt_lt_incompatible(r, err):
    r("SET", "a", "1")
    assert err(r, "PEXPIRE", "a", 100, "GT", "LT") == \
        "ERR GT and LT options at the same time are not compatible"


def test_expire_unknown_option(r, err):
    r("SET", "a", "1")
    assert err(r, "EXPIRE", "a", 100, "foo") == "ERR Unsupported option foo"


def test_expire_not_integer(r, err):
    r("SET", "a", "1")
    assert err(r, "EXPIRE", "a", "abc") == "ERR value is not an integer or out of range"
    assert err(r, "EXPIRE", "a", "1.5") == "ERR value is not an integer or out of range"


@pytest.mark.parametrize("cmd,arg", [
    ("EXPIRE", "9223372036854775807"),
    ("EXPIRE", "922337203685477580"),
    ("EXPIRE", "-9223372036854775808"),
    ("PEXPIRE", "9223372036854775807"),
    ("EXPIREAT", "9223372036854775807"),
])
def test_expire_overflow(r, err, cmd, arg):
    r("SET", "a", "1")
    assert err(r, cmd, "a", arg) == \
        "ERR invalid expire time in '%s' command" % cmd.lower()
    assert r("TTL", "a") == -1


def test_expire_zero_or_past_deletes(r):
    r("MSET", "a", "1", "b", "1", "c", "1")
    assert r("EXPIRE", "a", 0) == 1
    assert r("PEXPIREAT", "b", 1) == 1
    assert r("EXPIRE", "c", -10) == 1
    assert r("EXISTS", "a", "b", "c") == 0


def test_persist(r):
    r("SET", "a", "1", "EX", 100)
    assert r("PERSIST", "a") == 1
    assert r("TTL", "a") == -1
    assert r("PERSIST", "a") == 0
    assert r("PERSIST", "nokey") == 0


def test_overwrite_with_set_clears_ttl(r):
    r("SET", "a", "1", "EX", 100)
    r("SET", "a", "2")
    assert r("TTL", "a") == -1


# --------------------------------------------------------------------------
# OBJECT
# --------------------------------------------------------------------------

@pytest.mark.parametrize("value,encoding", [
    ("123", b"int"),
    ("-1", b"int"),
    ("9223372036854775807", b"int"),
    ("-9223372036854775808", b"int"),
    ("9223372036854775808", b"embstr"),
    ("01", b"embstr"),
    ("+1", b"embstr"),
    ("1.5", b"embstr"),
    ("", b"embstr"),
    ("a" * 44, b"embstr"),
    ("a" * 45, b"raw"),
])
def test_object_encoding_strings(r, value, encoding):
    r("SET", "k", value)
    assert r("OBJECT", "ENCODING", "k") == encoding


def test_object_encoding_after_append_is_raw(r):
    r("SET", "k", "a")
    r("APPEND", "k", "b")
    assert r("OBJECT", "ENCODING", "k") == b"raw"
    r("SET", "n", "1")
    r("APPEND", "n", "2")
    assert r("OBJECT", "ENCODING", "n") == b"raw"


def test_object_encoding_after_incr_is_int(r):
    r("SET", "k", "5")
    r("INCR", "k")
    assert r("OBJECT", "ENCODING", "k") == b"int"


def test_object_encoding_after_setrange_is_raw(r):
    r("SETRANGE", "k", 0, "ab")
    assert r("OBJECT", "ENCODING", "k") == b"raw"


def test_object_encoding_incrbyfloat_result_embstr(r):
    r("SET", "f", "1")
    r("INCRBYFLOAT", "f", "1")
    assert r("GET", "f") == b"2"
    assert r("OBJECT", "ENCODING", "f") == b"embstr"


def test_object_encoding_missing_key(r):
    assert r("OBJECT", "ENCODING", "nokey") is None


def test_object_refcount(r):
    r("SET", "s", "hello")
    assert r("OBJECT", "REFCOUNT", "s") == 1
    # small integers are shared objects with a "never free" refcount
    r("SET", "small", "123")
    assert r("OBJECT", "REFCOUNT", "small") == 2147483647
    r("SET", "big", "10000")
    assert r("OBJECT", "REFCOUNT", "big") == 1
    assert r("OBJECT", "REFCOUNT", "nokey") is None


def test_object_idletime(r):
    r("SET", "a", "1")
    assert r("OBJECT", "IDLETIME", "a") in (0, 1)
    assert r("OBJECT", "IDLETIME", "nokey") is None


def test_object_freq_error_under_default_policy(r, err):
    r("SET", "a", "1")
    assert err(r, "OBJECT", "FREQ", "a") == (
        "ERR An LFU maxmemory policy is not selected, access frequency not "
        "tracked. Please note that when switching between policies at runtime "
        "LRU and LFU data will take some time to adjust.")
    # a missing key answers nil before the policy is checked
    assert r("OBJECT", "FREQ", "nokey") is None


def test_object_freq_and_idletime_under_lfu(r, err):
    old = r("CONFIG", "GET", "maxmemory-policy")[1]
    try:
        r("CONFIG", "SET", "maxmemory-policy", "allkeys-lfu")
        r("SET", "a", "hello")
        assert r("OBJECT", "FREQ", "a") == 5  # LFU_INIT_VAL for a new key
        r("GET", "a")  # at the initial value the first hit always counts
        assert r("OBJECT", "FREQ", "a") == 6
        assert err(r, "OBJECT", "IDLETIME", "a") == (
            "ERR An LFU maxmemory policy is selected, idle time not tracked. "
            "Please note that when switching between policies at runtime LRU "
            "and LFU data will take some time to adjust.")
    finally:
        r("CONFIG", "SET", "maxmemory-policy", old)


def test_object_help(r):
    lines = r("OBJECT", "HELP")
    assert lines[0] == b"OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"
    assert len(lines) == 15
    assert lines[1] == b"ENCODING <key>"


def test_object_errors(r, err):
    assert err(r, "OBJECT", "foo") == "ERR unknown subcommand 'foo'. Try OBJECT HELP."
    assert err(r, "OBJECT", "ENCODING") == \
        "ERR wrong number of arguments for 'object|encoding' command"
    assert err(r, "OBJECT") == "ERR wrong number of arguments for 'object' command"


def test_unlink_of_a_big_set_gives_memory_back(r):
    """As Redis's lazyfree test: after UNLINK of a 100 000-member set, sent as one 100 000-argument command on the
    same connection, used_memory falls back (the value and the buffers the huge command needed are released)."""
    from conftest import parse_info, wait_until

    def used():
        return int(parse_info(r("INFO", "memory"))["used_memory"])

    orig = used()
    r("SADD", "myset", *range(100000))
    assert r("SCARD", "myset") == 100000
    peak = used()
    assert peak > orig + 1000000
    assert r("UNLINK", "myset") == 1
    assert wait_until(lambda: used() < peak and used() < orig * 2, timeout=5.0)


def test_unlink_frees_large_values_in_the_background(r):
    """UNLINK of a large hash is freed off the event loop and counted in INFO lazyfreed_objects; a small one is
    freed at once. The key is gone immediately either way."""
    from conftest import parse_info, wait_until

    def freed():
        return int(parse_info(r("INFO", "memory"))["lazyfreed_objects"])

    r("CONFIG", "RESETSTAT")
    for i in range(0, 100000, 10000):
        r("HSET", "big", *[x for j in range(i, i + 10000) for x in ("field%d" % j, "value")])
    r("SET", "small", "x")
    assert r("UNLINK", "big", "small", "missing") == 2
    assert r("EXISTS", "big", "small") == 0
    assert wait_until(lambda: freed() == 1, timeout=5.0)
    assert int(parse_info(r("INFO", "memory"))["lazyfree_pending_objects"]) == 0
    r("CONFIG", "RESETSTAT")
    assert freed() == 0
