"""String commands: SET (all options) GET GETEX GETDEL GETSET MGET MSET MSETNX
SETNX SETEX PSETEX APPEND STRLEN GETRANGE SUBSTR SETRANGE INCR/DECR family
INCRBYFLOAT LCS SETBIT GETBIT BITCOUNT BITPOS BITOP, WRONGTYPE."""

import pytest

from conftest import resp_cmd

WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value"
NOT_INT = "ERR value is not an integer or out of range"
SYNTAX = "ERR syntax error"

# --------------------------------------------------------------------------
# SET / GET
# --------------------------------------------------------------------------


def test_set_get(r):
    assert r("SET", "k", "v") == b"OK"
    assert r("GET", "k") == b"v"


def test_get_missing_is_nil(r, raw):
    assert r("GET", "nokey") is None
    assert raw(resp_cmd("GET", "nokey-get")) == b"$-1\r\n"


def test_set_binary_and_empty_values(r):
    r("SET", "b", b"\x00\x01\xff\r\n")
    assert r("GET", "b") == b"\x00\x01\xff\r\n"
    r("SET", "e", "")
    assert r("GET", "e") == b""
    assert r("EXISTS", "e") == 1


def test_set_large_value(r):
    v = b"x" * 1_000_000
    r("SET", "big", v)
    assert r("GET", "big") == v
    assert r("STRLEN", "big") == 1_000_000


def test_set_ok_wire(raw):
    assert raw(resp_cmd("SET", "wire-k", "v")) == b"+OK\r\n"


def test_set_nx(r, raw):
    assert r("SET", "k", "1", "NX") == b"OK"
    assert r("SET", "k", "2", "NX") is None
    assert r("GET", "k") == b"1"
    assert raw(resp_cmd("SET", "k", "3", "NX")) == b"$-1\r\n"


def test_set_xx(r):
    assert r("SET", "k", "1", "XX") is None
    assert r("EXISTS", "k") == 0
    r("SET", "k", "1")
    assert r("SET", "k", "2", "xx") == b"OK"
    assert r("GET", "k") == b"2"


def test_set_get_option(r):
    assert r("SET", "k", "v1", "GET") is None
    assert r("SET", "k", "v2", "GET") == b"v1"
    assert r("GET", "k") == b"v2"


def test_set_get_with_nx_returns_old_and_does_not_set(r):
    r("SET", "k", "old")
    assert r("SET", "k", "new", "NX", "GET") == b"old"
    assert r("GET", "k") == b"old"
    assert r("SET", "fresh", "v", "NX", "GET") is None
    assert r("GET", "fresh") == b"v"


def test_set_get_with_xx(r):
    assert r("SET", "k", "v", "XX", "GET") is None
    assert r("EXISTS", "k") == 0
    r("SET", "k", "a")
    assert r("SET", "k", "b", "XX", "GET") == b"a"
    assert r("GET", "k") == b"b"


def test_set_ex(r):
    assert r("SET", "k", "v", "EX", 100) == b"OK"
    assert 99 <= r("TTL", "k") <= 100


def test_set_px(r):
    assert r("SET", "k", "v", "PX", 100000) == b"OK"
    assert 99000 <= r("PTTL", "k") <= 100000


def test_set_exat_pxat(r):
    assert r("SET", "k", "v", "EXAT", 4102444800) == b"OK"
    assert r("EXPIRETIME", "k") == 4102444800
    assert r("SET", "k", "v", "PXAT", 4102444800555) == b"OK"
    assert r("PEXPIRETIME", "k") == 4102444800555


def test_set_exat_in_past_deletes(r):
    r("SET", "k", "old")
    assert r("SET", "k", "v", "EXAT", 1) == b"OK"
    assert r("EXISTS", "k") == 0


def test_set_repeated_ex_last_wins(r):
    assert r("SET", "k", "v", "EX", 10, "EX", 200) == b"OK"
    assert 199 <= r("TTL", "k") <= 200


def test_set_keepttl(r):
    r("SET", "k", "v", "EX", 100)
    assert r("SET", "k", "v2", "KEEPTTL") == b"OK"
    assert 99 <= r("TTL", "k") <= 100
    assert r("GET", "k") == b"v2"
    r("SET", "k", "v3")
    assert r("TTL", "k") == -1


def test_set_options_case_insensitive(r):
    assert r("set", "k", "v", "ex", 100, "nx") == b"OK"
    assert r("SeT", "k", "w", "kEePtTl", "xX", "gEt") == b"v"


@pytest.mark.parametrize("opts", [
    ["NX", "XX"], ["XX", "NX"], ["EX", "10", "PX", "100"],
    ["PX", "100", "EX", "10"], ["EX", "10", "KEEPTTL"], ["KEEPTTL", "EX", "10"],
    ["EXAT", "10", "PXAT", "10"], ["EX", "10", "EXAT", "10"], ["EX"], ["PX"],
    ["foo"], ["PERSIST"], ["GET", "foo"],
])
def test_set_syntax_errors(r, err, opts):
    assert err(r, "SET", "k", "v", *opts) == SYNTAX


@pytest.mark.parametrize("opt,val", [
    ("EX", "0"), ("EX", "-1"), ("PX", "0"), ("PX", "-5"), ("EXAT", "0"),
    ("PXAT", "0"), ("EX", "9223372036854775807"), ("PX", "9223372036854775807"),
    ("EXAT", "9223372036854775807"),
])
def test_set_invalid_expire(r, err, opt, val):
    assert err(r, "SET", "k", "v", opt, val) == \
        "ERR invalid expire time in 'set' command"
    assert r("EXISTS", "k") == 0


@pytest.mark.parametrize("val", ["abc", "1.5", ""])
def test_set_expire_not_integer(r, err, val):
    assert err(r, "SET", "k", "v", "EX", val) == NOT_INT


def test_set_arity(r, err):
    assert err(r, "SET", "k") == "ERR wrong number of arguments for 'set' command"


# --------------------------------------------------------------------------
# GETEX / GETDEL / GETSET
# --------------------------------------------------------------------------

def test_getex_no_options_is_get(r):
    r("SET", "k", "v", "EX", 100)
    assert r("GETEX", "k") == b"v"
    assert 99 <= r("TTL", "k") <= 100


def test_getex_sets_ttl(r):
    r("SET", "k", "v")
    assert r("GETEX", "k", "EX", 100) == b"v"
    assert 99 <= r("TTL", "k") <= 100
    assert r("GETEX", "k", "PX", 50000) == b"v"
    assert 49000 <= r("PTTL", "k") <= 50000
    assert r("GETEX", "k", "EXAT", 4102444800) == b"v"
    assert r("EXPIRETIME", "k") == 4102444800
    assert r("GETEX", "k", "PXAT", 4102444800123) == b"v"
    assert r("PEXPIRETIME", "k") == 4102444800123


def test_getex_persist(r):
    r("SET", "k", "v", "EX", 100)
    assert r("GETEX", "k", "PERSIST") == b"v"
    assert r("TTL", "k") == -1


def test_getex_missing(r):
    assert r("GETEX", "nokey") is None
    assert r("GETEX", "nokey", "EX", 10) is None
    assert r("EXISTS", "nokey") == 0


def test_getex_errors(r, err):
    r("SET", "k", "v")
    assert err(r, "GETEX", "k", "EX", 0) == "ERR invalid expire time in 'getex' command"
    assert err(r, "GETEX", "k", "PX", -1) == "ERR invalid expire time in 'getex' command"
    assert err(r, "GETEX", "k", "EX", "9223372036854775807") == \
        "ERR invalid expire time in 'getex' command"
    assert err(r, "GETEX", "k", "EX", "abc") == NOT_INT
    assert err(r, "GETEX", "k", "PERSIST", "EX", 1) == SYNTAX
    assert err(r, "GETEX", "k", "EX", 10, "PX", 10) == SYNTAX
    assert err(r, "GETEX", "k", "KEEPTTL") == SYNTAX
    assert err(r, "GETEX", "k", "NX") == SYNTAX
    assert err(r, "GETEX", "k", "foo") == SYNTAX


def test_getdel(r):
    r("SET", "k", "v")
    assert r("GETDEL", "k") == b"v"
    assert r("EXISTS", "k") == 0
    assert r("GETDEL", "k") is None


def test_getset(r):
    assert r("GETSET", "k", "a") is None
    assert r("GETSET", "k", "b") == b"a"
    assert r("GET", "k") == b"b"


def test_getset_clears_ttl(r):
    r("SET", "k", "v", "EX", 100)
    r("GETSET", "k", "w")
    assert r("TTL", "k") == -1


# --------------------------------------------------------------------------
# MGET / MSET / MSETNX / SETNX / SETEX / PSETEX
# --------------------------------------------------------------------------

def test_mset_mget(r):
    assert r("MSET", "a", "1", "b", "2") == b"OK"
    assert r("MGET", "a", "nokey", "b", "a") == [b"1", None, b"2", b"1"]


def test_mset_last_value_wins(r):
    r("MSET", "a", "1", "a", "2")
    assert r("GET", "a") == b"2"


@pytest.mark.parametrize("cmd", ["MSET", "MSETNX"])
def test_mset_odd_args(r, err, cmd):
    assert err(r, cmd, "a") == \
        "ERR wrong number of arguments for '%s' command" % cmd.lower()
    assert err(r, cmd, "a", "1", "b") == \
        "ERR wrong number of arguments for '%s' command" % cmd.lower()


def test_mget_arity(r, err):
    assert err(r, "MGET") == "ERR wrong number of arguments for 'mget' command"


def test_msetnx(r):
    assert r("MSETNX", "a", "1", "b", "2") == 1
    assert r("MSETNX", "b", "3", "c", "4") == 0
    assert r("MGET", "a", "b", "c") == [b"1", b"2", None]


def test_setnx(r):
    assert r("SETNX", "k", "1") == 1
    assert r("SETNX", "k", "2") == 0
    assert r("GET", "k") == b"1"


def test_setex_psetex(r):
    assert r("SETEX", "k", 100, "v") == b"OK"
    assert 99 <= r("TTL", "k") <= 100
    assert r("PSETEX", "p", 100000, "v") == b"OK"
    assert 99000 <= r("PTTL", "p") <= 100000


def test_setex_errors(r, err):
    assert err(r, "SETEX", "k", 0, "v") == "ERR invalid expire time in 'setex' command"
    assert err(r, "SETEX", "k", -1, "v") == "ERR invalid expire time in 'setex' command"
    assert err(r, "PSETEX", "k", 0, "v") == "ERR invalid expire time in 'psetex' command"
    assert err(r, "SETEX", "k", "abc", "v") == NOT_INT
    assert err(r, "SETEX", "k", 10) == "ERR wrong number of arguments for 'setex' command"
    assert r("EXISTS", "k") == 0


# --------------------------------------------------------------------------
# APPEND / STRLEN / GETRANGE / SUBSTR / SETRANGE
# --------------------------------------------------------------------------

def test_append(r):
    assert r("APPEND", "k", "Hello") == 5
    assert r("APPEND", "k", " World") == 11
    assert r("GET", "k") == b"Hello World"
    assert r("APPEND", "k", "") == 11


def test_append_to_integer(r):
    r("SET", "n", "10")
    assert r("APPEND", "n", "5") == 3
    assert r("GET", "n") == b"105"


def test_strlen(r):
    assert r("STRLEN", "nokey") == 0
    r("SET", "k", "hello")
    assert r("STRLEN", "k") == 5
    r("SET", "n", "-12345")
    assert r("STRLEN", "n") == 6


@pytest.mark.parametrize("start,end,expected", [
    (0, -1, b"Hello World"), (-5, -1, b"World"), (0, 4, b"Hello"),
    (5, 2, b""), (-100, 100, b"Hello World"), (0, 0, b"H"), (100, 200, b""),
    (-1, -5, b""), (3, -100, b""), (-100, -50, b"H"), (0, -100, b"H"),
    (10, 11, b"d"), (11, 11, b""), (-1, -1, b"d"),
])
def test_getrange(r, start, end, expected):
    r("SET", "s", "Hello World")
    assert r("GETRANGE", "s", start, end) == expected


def test_getrange_integer_encoded(r):
    r("SET", "n", "12345")
    assert r("GETRANGE", "n", 1, -2) == b"234"


def test_getrange_missing_and_empty(r):
    # a missing key gives an empty string, not nil
    assert r("GETRANGE", "nokey", 0, -1) == b""
    r("SET", "e", "")
    assert r("GETRANGE", "e", 0, -1) == b""


def test_getrange_errors(r, err):
    r("SET", "s", "x")
    assert err(r, "GETRANGE", "s", "a", "b") == NOT_INT
    assert err(r, "GETRANGE", "s", 0) == \
        "ERR wrong number of arguments for 'getrange' command"


def test_substr(r):
    r("SET", "s", "Hello World")
    assert r("SUBSTR", "s", 0, 4) == b"Hello"
    assert r("SUBSTR", "s", -5, -1) == b"World"


def test_setrange(r):
    r("SET", "k", "Hello World")
    assert r("SETRANGE", "k", 6, "Redis") == 11
    assert r("GET", "k") == b"Hello Redis"


def test_setrange_pads_with_zero_bytes(r):
    assert r("SETRANGE", "k", 3, "ab") == 5
    assert r("GET", "k") == b"\x00\x00\x00ab"


def test_setrange_extends_integer(r):
    r("SET", "n", "10")
    assert r("SETRANGE", "n", 2, "x") == 3
    assert r("GET", "n") == b"10x"


def test_setrange_empty_value(r):
    assert r("SETRANGE", "nokey", 0, "") == 0
    assert r("SETRANGE", "nokey", 5, "") == 0
    assert r("EXISTS", "nokey") == 0
    r("SET", "k", "abc")
    assert r("SETRANGE", "k", 10, "") == 3
    assert r("GET", "k") == b"abc"


def test_setrange_errors(r, err):
    r("SET", "k", "v")
    assert err(r, "SETRANGE", "k", -1, "x") == "ERR offset is out of range"
    assert err(r, "SETRANGE", "k", "abc", "x") == NOT_INT
    assert err(r, "SETRANGE", "k", 536870912, "x") == \
        "ERR string exceeds maximum allowed size (proto-max-bulk-len)"
    assert err(r, "SETRANGE", "k", 536870911, "xx") == \
        "ERR string exceeds maximum allowed size (proto-max-bulk-len)"
    assert r("GET", "k") == b"v"


# --------------------------------------------------------------------------
# INCR / DECR / INCRBY / DECRBY
# --------------------------------------------------------------------------

def test_incr_decr(r):
    assert r("INCR", "n") == 1
    assert r("INCR", "n") == 2
    assert r("DECR", "n") == 1
    assert r("INCRBY", "n", 10) == 11
    assert r("DECRBY", "n", 20) == -9
    assert r("INCRBY", "n", -1) == -10
    assert r("GET", "n") == b"-10"


def test_decr_missing(r):
    assert r("DECR", "n") == -1
    assert r("DECRBY", "m", 5) == -5


def test_incr_keeps_ttl(r):
    r("SET", "n", "1", "EX", 100)
    r("INCR", "n")
    assert 99 <= r("TTL", "n") <= 100


def test_incr_wire_is_integer(raw):
    assert raw(resp_cmd("INCRBY", "wire-n", "42")) == b":42\r\n"


@pytest.mark.parametrize("value", ["abc", " 1", "1 ", "01", "1.0", "", "+1",
                                   "9223372036854775808", "0x10"])
def test_incr_not_an_integer(r, err, value):
    r("SET", "n", value)
    assert err(r, "INCR", "n") == NOT_INT
    assert r("GET", "n") == value.encode()


def test_incrby_bad_increment(r, err):
    assert err(r, "INCRBY", "n", "abc") == NOT_INT
    assert err(r, "INCRBY", "n", "1.5") == NOT_INT
    assert err(r, "DECRBY", "n", "9223372036854775808") == NOT_INT


def test_incr_overflow(r, err):
    r("SET", "n", "9223372036854775807")
    assert err(r, "INCR", "n") == "ERR increment or decrement would overflow"
    assert err(r, "INCRBY", "n", 1) == "ERR increment or decrement would overflow"
    assert r("GET", "n") == b"9223372036854775807"


def test_decr_overflow(r, err):
    r("SET", "n", "-9223372036854775808")
    assert err(r, "DECR", "n") == "ERR increment or decrement would overflow"
    assert err(r, "INCRBY", "n", -1) == "ERR increment or decrement would overflow"


def test_decrby_llong_min_special_error(r, err):
    r("SET", "n", "1")
    assert err(r, "DECRBY", "n", "-9223372036854775808") == \
        "ERR decrement would overflow"


def test_incr_extremes(r):
    r("SET", "n", "9223372036854775806")
    assert r("INCR", "n") == 9223372036854775807
    r("SET", "m", "-9223372036854775807")
    assert r("DECR", "m") == -9223372036854775808


# --------------------------------------------------------------------------
# INCRBYFLOAT
# --------------------------------------------------------------------------

@pytest.mark.parametrize("start,incr,expected", [
    ("10.5", "0.1", b"10.6"),
    ("0", "0.1", b"0.1"),
    ("0.1", "0.2", b"0.3"),
    ("5.0e3", "2.0e2", b"5200"),
    ("3", "1.5", b"4.5"),
    ("4.5", "-4.5", b"0"),
    ("1.0", "1", b"2"),
    (None, "1e20", b"100000000000000000000"),
    (None, "3.0e-5", b"0.00003"),
    (None, "-0.0", b"0"),
    (None, "1.23456789012345678901234567890", b"1.23456789012345679"),
    (None, "123456789.123456789", b"123456789.12345678899873747"),
    (None, "0.000000000000000000001", b"0"),
    ("2.5", "-1.25", b"1.25"),
    (None, "0x10", b"16"),                      # strtold accepts hex
    ("5", "0", b"5"),
])
def test_incrbyfloat_formatting(r, start, incr, expected):
    if start is not None:
        r("SET", "f", start)
    assert r("INCRBYFLOAT", "f", incr) == expected
    assert r("GET", "f") == expected


def test_incrbyfloat_long_double_range(r):
    # the arithmetic is done in long double: no overflow at 2 * DBL_MAX
    r("SET", "f", "1e308")
    assert r("INCRBYFLOAT", "f", "1e308").startswith(b"199999999999999999993")


def test_incrbyfloat_resp2_bulk_resp3_bulk(raw_conn):
    c = raw_conn()
    assert c.request(resp_cmd("INCRBYFLOAT", "wire-f", "1.5")) == b"$3\r\n1.5\r\n"
    c.request(resp_cmd("HELLO", "3"))
    # not a RESP3 double: still a bulk string
    assert c.request(resp_cmd("INCRBYFLOAT", "wire-f", "1")) == b"$3\r\n2.5\r\n"
    c.request(resp_cmd("DEL", "wire-f"))


@pytest.mark.parametrize("incr", ["inf", "+inf", "-inf", "infinity"])
def test_incrbyfloat_infinite_increment(r, err, incr):
    assert err(r, "INCRBYFLOAT", "f", incr) == \
        "ERR increment would produce NaN or Infinity"
    assert r("EXISTS", "f") == 0


def test_incrbyfloat_stored_inf(r, err):
    r("SET", "f", "inf")
    assert err(r, "INCRBYFLOAT", "f", "1") == \
        "ERR increment would produce NaN or Infinity"


@pytest.mark.parametrize("incr", ["nan", "abc", " 1", "1 ", "1e", ""])
def test_incrbyfloat_invalid_increment(r, err, incr):
    assert err(r, "INCRBYFLOAT", "f", incr) == "ERR value is not a valid float"


@pytest.mark.parametrize("value", ["abc", "1.5 ", "nan"])
def test_incrbyfloat_invalid_stored_value(r, err, value):
    r("SET", "f", value)
    assert err(r, "INCRBYFLOAT", "f", "1") == "ERR value is not a valid float"


def test_incrbyfloat_keeps_ttl(r):
    r("SET", "f", "1", "EX", 100)
    r("INCRBYFLOAT", "f", "0.5")
    assert 99 <= r("TTL", "f") <= 100


# --------------------------------------------------------------------------
# LCS
# --------------------------------------------------------------------------

@pytest.fixture
def lcskeys(r):
    r("MSET", "key1", "ohmytext", "key2", "mynewtext")
    return r


def test_lcs_string(lcskeys):
    assert lcskeys("LCS", "key1", "key2") == b"mytext"


def test_lcs_len(lcskeys):
    assert lcskeys("LCS", "key1", "key2", "LEN") == 6


def test_lcs_idx_resp2(lcskeys):
    assert lcskeys("LCS", "key1", "key2", "IDX") == [
        b"matches", [[[4, 7], [5, 8]], [[2, 3], [0, 1]]], b"len", 6]


def test_lcs_idx_wire_resp2(lcskeys, raw):
    assert raw(b"LCS key1 key2 IDX\r\n") == (
        b"*4\r\n$7\r\nmatches\r\n*2\r\n*2\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n"
        b"*2\r\n*2\r\n:2\r\n:3\r\n*2\r\n:0\r\n:1\r\n$3\r\nlen\r\n:6\r\n")


def test_lcs_idx_minmatchlen_withmatchlen(lcskeys):
    assert lcskeys("LCS", "key1", "key2", "IDX", "MINMATCHLEN", 4,
                   "WITHMATCHLEN") == [b"matches", [[[4, 7], [5, 8], 4]],
                                       b"len", 6]


def test_lcs_idx_withmatchlen(lcskeys):
    assert lcskeys("LCS", "key1", "key2", "IDX", "WITHMATCHLEN") == [
        b"matches", [[[4, 7], [5, 8], 4], [[2, 3], [0, 1], 2]], b"len", 6]


def test_lcs_idx_wire_resp3(lcskeys, raw_conn):
    c = raw_conn()
    c.request(resp_cmd("HELLO", "3"))
    assert c.request(b"LCS key1 key2 IDX WITHMATCHLEN MINMATCHLEN 3\r\n") == (
        b"%2\r\n$7\r\nmatches\r\n*1\r\n*3\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n"
        b":4\r\n$3\r\nlen\r\n:6\r\n")


def test_lcs_resp3_client(lcskeys, r3):
    r3("MSET", "key1", "ohmytext", "key2", "mynewtext")
    assert r3("LCS", "key1", "key2", "IDX") == {
        b"matches": [[[4, 7], [5, 8]], [[2, 3], [0, 1]]], b"len": 6}


def test_lcs_missing_keys(r, raw):
    r("SET", "key1", "abc")
    assert r("LCS", "key1", "nokey") == b""
    assert r("LCS", "key1", "nokey", "LEN") == 0
    assert r("LCS", "key1", "nokey", "IDX") == [b"matches", [], b"len", 0]
    assert raw(b"LCS nokey1 nokey2\r\n") == b"$0\r\n\r\n"


def test_lcs_errors(lcskeys, err):
    assert err(lcskeys, "LCS", "key1", "key2", "LEN", "IDX") == \
        "ERR If you want both the length and indexes, please just use IDX."
    assert err(lcskeys, "LCS", "key1", "key2", "foo") == SYNTAX
    assert err(lcskeys, "LCS", "key1", "key2", "MINMATCHLEN", "abc") == NOT_INT
    assert err(lcskeys, "LCS", "key1", "key2", "MINMATCHLEN") == SYNTAX


def test_lcs_wrong_type(r, err):
    r("SET", "a", "abc")
    r("LPUSH", "l", "x")
    assert err(r, "LCS", "a", "l") == "ERR The specified keys must contain string values"


# --------------------------------------------------------------------------
# SETBIT / GETBIT
# --------------------------------------------------------------------------

def test_setbit_getbit(r):
    assert r("SETBIT", "b", 7, 1) == 0
    assert r("GET", "b") == b"\x01"
    assert r("SETBIT", "b", 7, 1) == 1
    assert r("SETBIT", "b", 0, 1) == 0
    assert r("GET", "b") == b"\x81"
    assert r("GETBIT", "b", 0) == 1
    assert r("GETBIT", "b", 1) == 0
    assert r("SETBIT", "b", 7, 0) == 1
    assert r("GET", "b") == b"\x80"


def test_setbit_grows_string(r):
    r("SETBIT", "b", 100, 1)
    assert r("STRLEN", "b") == 13


def test_getbit_out_of_string_and_missing(r):
    r("SET", "b", "\xff")
    assert r("GETBIT", "b", 100) == 0
    assert r("GETBIT", "nokey", 0) == 0
    assert r("GETBIT", "b", 4294967295) == 0


@pytest.mark.parametrize("offset", ["-1", "4294967296", "abc", "1.5"])
def test_bit_offset_errors(r, err, offset):
    assert err(r, "SETBIT", "b", offset, 1) == \
        "ERR bit offset is not an integer or out of range"
    assert err(r, "GETBIT", "b", offset) == \
        "ERR bit offset is not an integer or out of range"


@pytest.mark.parametrize("bit", ["2", "-1", "abc"])
def test_setbit_bad_bit(r, err, bit):
    assert err(r, "SETBIT", "b", 1, bit) == "ERR bit is not an integer or out of range"


# --------------------------------------------------------------------------
# BITCOUNT
# --------------------------------------------------------------------------

@pytest.mark.parametrize("args,expected", [
    ([], 26), ([0, 0], 4), ([1, 1], 6), ([1, 1, "BYTE"], 6), ([-1, -1], 4),
    ([5, 30, "BIT"], 17), ([0, -1, "bit"], 26), ([2, 1], 0), ([-100, 100], 26),
    ([100, 200], 0),
])
def test_bitcount(r, args, expected):
    r("SET", "s", "foobar")
    assert r("BITCOUNT", "s", *args) == expected


def test_bitcount_missing_and_empty(r):
    assert r("BITCOUNT", "nokey") == 0
    assert r("BITCOUNT", "nokey", 0, 1) == 0
    r("SET", "e", "")
    assert r("BITCOUNT", "e") == 0


def test_bitcount_errors(r, err):
    r("SET", "s", "foobar")
    assert err(r, "BITCOUNT", "s", 0) == SYNTAX
    assert err(r, "BITCOUNT", "s", 0, 1, 2) == SYNTAX
    assert err(r, "BITCOUNT", "s", 0, 1, "bits") == SYNTAX
    assert err(r, "BITCOUNT", "s", "a", "b") == NOT_INT


# --------------------------------------------------------------------------
# BITPOS
# --------------------------------------------------------------------------

@pytest.mark.parametrize("args,expected", [
    ([0], 12), ([1], 0), ([0, 2], -1), ([1, 2], -1), ([0, 0, 0], -1),
    ([0, 0, -1], 12), ([1, 7, 15, "BIT"], 7), ([0, 7, 15, "bit"], 12),
    ([0, 0, 11, "BIT"], -1), ([0, 0, 12, "BIT"], 12), ([1, 1, 1, "BYTE"], 8),
    ([1, -1], 8),
])
def test_bitpos(r, args, expected):
    r("SET", "z", b"\xff\xf0")
    assert r("BITPOS", "z", *args) == expected


def test_bitpos_all_ones_clear_bit(r):
    r("SET", "ff", b"\xff\xff")
    # without an explicit end the string is treated as zero-padded
    assert r("BITPOS", "ff", 0) == 16
    assert r("BITPOS", "ff", 0, 0) == 16
    # with an explicit end it is not
    assert r("BITPOS", "ff", 0, 0, -1) == -1
    assert r("BITPOS", "ff", 0, 0, 1, "BIT") == -1


def test_bitpos_missing_and_empty(r):
    assert r("BITPOS", "nokey", 0) == 0
    assert r("BITPOS", "nokey", 1) == -1
    r("SET", "e", "")
    assert r("BITPOS", "e", 0) == -1
    assert r("BITPOS", "e", 1) == -1


def test_bitpos_errors(r, err):
    r("SET", "z", "x")
    assert err(r, "BITPOS", "z", 2) == "ERR The bit argument must be 1 or 0."
    assert err(r, "BITPOS", "z", 1, 0, 1, "foo") == SYNTAX
    assert err(r, "BITPOS", "z", 1, "a") == NOT_INT


# --------------------------------------------------------------------------
# BITOP
# --------------------------------------------------------------------------

def test_bitop_and_or_xor(r):
    r("SET", "a", "abc")
    r("SET", "b", "a")
    assert r("BITOP", "AND", "d", "a", "b") == 3
    assert r("GET", "d") == b"a\x00\x00"
    assert r("BITOP", "OR", "d", "a", "b") == 3
    assert r("GET", "d") == b"abc"
    assert r("BITOP", "XOR", "d", "a", "b") == 3
    assert r("GET", "d") == b"\x00bc"


def test_bitop_not(r):
    r("SET", "a", b"\x0f\xf0")
    assert r("BITOP", "NOT", "d", "a") == 2
    assert r("GET", "d") == b"\xf0\x0f"


def test_bitop_case_insensitive_and_single_source(r):
    r("SET", "a", "xyz")
    assert r("BITOP", "and", "d", "a") == 3
    assert r("GET", "d") == b"xyz"


def test_bitop_missing_sources_delete_destination(r):
    r("SET", "d", "x")
    assert r("BITOP", "AND", "d", "nokey1", "nokey2") == 0
    assert r("EXISTS", "d") == 0


def test_bitop_missing_source_is_zeroes(r):
    r("SET", "a", b"\xff")
    assert r("BITOP", "OR", "d", "a", "nokey") == 1
    assert r("GET", "d") == b"\xff"
    assert r("BITOP", "AND", "d", "a", "nokey") == 1
    assert r("GET", "d") == b"\x00"


def test_bitop_errors(r, err):
    r("SET", "a", "x")
    assert err(r, "BITOP", "foo", "d", "a") == SYNTAX
    assert err(r, "BITOP", "NOT", "d", "a", "a") == \
        "ERR BITOP NOT must be called with a single source key."
    assert err(r, "BITOP", "AND", "d") == \
        "ERR wrong number of arguments for 'bitop' command"


# --------------------------------------------------------------------------
# WRONGTYPE
# --------------------------------------------------------------------------

@pytest.mark.parametrize("args", [
    ["GET", "l"], ["GETEX", "l"], ["GETDEL", "l"], ["GETSET", "l", "x"],
    ["SET", "l", "x", "GET"], ["APPEND", "l", "x"], ["STRLEN", "l"],
    ["INCR", "l"], ["DECRBY", "l", 2], ["INCRBYFLOAT", "l", 1],
    ["GETRANGE", "l", 0, 1], ["SETRANGE", "l", 0, "x"], ["SETBIT", "l", 1, 1],
    ["GETBIT", "l", 1], ["BITCOUNT", "l"], ["BITPOS", "l", 1],
    ["BITOP", "AND", "d", "a", "l"],
])
def test_wrongtype(r, err, args):
    r("SET", "a", "abc")
    r("LPUSH", "l", "x")
    assert err(r, *args) == WRONGTYPE
    assert r("TYPE", "l") == b"list"


def test_wrongtype_wire(r, raw):
    r("HSET", "h", "f", "v")
    assert raw(b"GET h\r\n") == \
        b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"


def test_mget_nil_for_wrong_type(r):
    r("SET", "a", "1")
    r("LPUSH", "l", "x")
    assert r("MGET", "a", "l") == [b"1", None]


def test_set_overwrites_other_type(r):
    r("LPUSH", "l", "x")
    assert r("SET", "l", "v") == b"OK"
    assert r("TYPE", "l") == b"string"
