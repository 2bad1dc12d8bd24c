"""SORT and SORT_RO: numeric and ALPHA order, DESC, LIMIT, BY pattern (string
keys and hash fields with `->`), BY nosort, GET # and GET patterns, STORE,
sets and sorted sets as inputs, and the error texts."""

import pytest

from conftest import resp_cmd

SYNTAX = "ERR syntax error"
NOT_DOUBLE = "ERR One or more scores can't be converted into double"
WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value"


def test_sort_numeric(r):
    r("RPUSH", "l", "3", "1", "10", "2", "-1.5")
    assert r("SORT", "l") == [b"-1.5", b"1", b"2", b"3", b"10"]
    assert r("SORT", "l", "DESC") == [b"10", b"3", b"2", b"1", b"-1.5"]
    assert r("SORT_RO", "l") == [b"-1.5", b"1", b"2", b"3", b"10"]
    assert r("SORT", "nokey") == []


def test_sort_alpha(r):
    r("RPUSH", "l", "banana", "apple", "10", "9", "cherry")
    assert r("SORT", "l", "ALPHA") == [b"10", b"9", b"apple", b"banana", b"cherry"]
    assert r("SORT", "l", "ALPHA", "DESC") == [b"cherry", b"banana", b"apple", b"9", b"10"]


def test_sort_not_double(r, err):
    r("RPUSH", "l", "1", "abc", "2")
    assert err(r, "SORT", "l") == NOT_DOUBLE
    assert err(r, "SORT_RO", "l") == NOT_DOUBLE


def test_sort_limit(r):
    r("RPUSH", "l", *[str(i) for i in range(10, 0, -1)])
    assert r("SORT", "l", "LIMIT", 0, 3) == [b"1", b"2", b"3"]
    assert r("SORT", "l", "LIMIT", 8, 5) == [b"9", b"10"]
    assert r("SORT", "l", "LIMIT", 2, 3, "DESC") == [b"8", b"7", b"6"]
    assert r("SORT", "l", "LIMIT", 20, 3) == []
    assert r("SORT", "l", "LIMIT", 0, 0) == []
    assert r("SORT", "l", "LIMIT", -5, 2) == [b"1", b"2"]
    assert r("SORT", "l", "LIMIT", 7, -1) == [b"8", b"9", b"10"]


def test_sort_by_pattern(r):
    r("RPUSH", "l", "a", "b", "c")
    r("MSET", "w_a", "3", "w_b", "1", "w_c", "2")
    assert r("SORT", "l", "BY", "w_*") == [b"b", b"c", b"a"]
    assert r("SORT", "l", "BY", "w_*", "DESC") == [b"a", b"c", b"b"]
    assert r("SORT", "l", "BY", "w_*", "GET", "#", "GET", "w_*") == [
        b"b", b"1", b"c", b"2", b"a", b"3"]


def test_sort_by_missing_weights_are_zero(r):
    r("RPUSH", "l", "a", "b", "c")
    r("SET", "w_b", "-1")
    # a and c weigh 0 and keep their comparison by element
    assert r("SORT", "l", "BY", "w_*") == [b"b", b"a", b"c"]


def test_sort_by_hash_field(r):
    r("RPUSH", "l", "1", "2", "3")
    r("HSET", "h1", "age", "30", "name", "ann")
    r("HSET", "h2", "age", "20", "name", "bob")
    r("HSET", "h3", "age", "25", "name", "cid")
    assert r("SORT", "l", "BY", "h*->age") == [b"2", b"3", b"1"]
    assert r("SORT", "l", "BY", "h*->name", "ALPHA", "DESC") == [b"3", b"2", b"1"]
    assert r("SORT", "l", "BY", "h*->age", "GET", "h*->name") == [b"bob", b"cid", b"ann"]
    assert r("SORT", "l", "GET", "h*->missing", "GET", "nokey*") == [
        None, None, None, None, None, None]


def test_sort_by_nosort(r):
    r("RPUSH", "l", "3", "1", "2")
    assert r("SORT", "l", "BY", "nosort") == [b"3", b"1", b"2"]
    assert r("SORT", "l", "BY", "nosort", "LIMIT", 1, 1) == [b"1"]
    assert r("SORT", "l", "BY", "nosort", "GET", "#") == [b"3", b"1", b"2"]
    # a sorted set keeps its score order with nosort
    r("ZADD", "z", 3, "x", 1, "y", 2, "w")
    assert r("SORT", "z", "BY", "nosort") == [b"y", b"w", b"x"]
    assert r("SORT", "z", "BY", "nosort", "DESC") == [b"x", b"w", b"y"]
    assert r("SORT", "z", "BY", "nosort", "LIMIT", 1, 2) == [b"w", b"x"]


def test_sort_get_patterns(r):
    r("RPUSH", "l", "1", "2", "3")
    r("MSET", "o_1", "one", "o_3", "three")
    assert r("SORT", "l", "GET", "o_*") == [b"one", None, b"three"]
    assert r("SORT", "l", "GET", "#", "GET", "o_*", "DESC") == [
        b"3", b"three", b"2", None, b"1", b"one"]
    # a pattern without * is looked up as is (not per element)
    r("SET", "fixed", "f")
    assert r("SORT", "l", "GET", "fixed") == [None, None, None]


def test_sort_sets(r):
    r("SADD", "s", "5", "3", "4")
    assert r("SORT", "s") == [b"3", b"4", b"5"]
    r("ZADD", "z", 1, "c", 2, "a", 3, "b")
    assert r("SORT", "z", "ALPHA") == [b"a", b"b", b"c"]


def test_sort_store(r):
    r("RPUSH", "l", "3", "1", "2")
    assert r("SORT", "l", "STORE", "dst") == 3
    assert r("TYPE", "dst") == b"list"
    assert r("LRANGE", "dst", 0, -1) == [b"1", b"2", b"3"]
    r("SET", "o_1", "x")
    assert r("SORT", "l", "GET", "o_*", "STORE", "dst") == 3
    # a missing GET result is stored as an empty string
    assert r("LRANGE", "dst", 0, -1) == [b"x", b"", b""]
    # an empty result deletes the destination
    assert r("SORT", "nokey", "STORE", "dst") == 0
    assert r("EXISTS", "dst") == 0
    r("SET", "str", "v")
    assert r("SORT", "l", "STORE", "str") == 3
    assert r("TYPE", "str") == b"list"


def test_sort_ro_store_is_syntax_error(r, err):
    r("RPUSH", "l", "1")
    assert err(r, "SORT_RO", "l", "STORE", "dst") == SYNTAX
    assert r("EXISTS", "dst") == 0


def test_sort_errors(r, err):
    r("RPUSH", "l", "1")
    assert err(r, "SORT", "l", "LIMIT", 0) == SYNTAX
    assert err(r, "SORT", "l", "LIMIT", "a", 1) == "ERR value is not an integer or out of range"
    assert err(r, "SORT", "l", "FOO") == SYNTAX
    assert err(r, "SORT", "l", "BY") == SYNTAX
    assert err(r, "SORT", "l", "GET") == SYNTAX
    r("SET", "str", "v")
    assert err(r, "SORT", "str") == WRONGTYPE
    r("HSET", "h", "f", "v")
    assert err(r, "SORT", "h") == WRONGTYPE
    assert err(r, "SORT") == "ERR wrong number of arguments for 'sort' command"


def test_sort_resp3_nulls(raw_conn):
    c = raw_conn()
    c.request(resp_cmd("HELLO", "3"))
    c.request(resp_cmd("RPUSH", "sortl3", "1"))
    assert c.request(resp_cmd("SORT", "sortl3", "GET", "#", "GET", "nokey_*")) == \
        b"*2\r\n$1\r\n1\r\n_\r\n"
    c.request(resp_cmd("DEL", "sortl3"))
