"""Keys really expire: lazily on access and actively in the background.

Short TTLs (tens of milliseconds) and bounded polling only."""

import time

import pytest

from conftest import parse_info, wait_until


@pytest.fixture
def no_active_expire(r):
    """Disable the active expire cycle so only lazy expiry can remove keys."""
    assert r("DEBUG", "SET-ACTIVE-EXPIRE", 0) == b"OK"
    try:
        yield r
    finally:
        r("DEBUG", "SET-ACTIVE-EXPIRE", 1)


def past_deadline(ms):
    time.sleep(ms / 1000.0 + 0.03)


def test_debug_set_active_expire_replies_ok(r):
    try:
        assert r("DEBUG", "SET-ACTIVE-EXPIRE", 0) == b"OK"
    finally:
        assert r("DEBUG", "SET-ACTIVE-EXPIRE", 1) == b"OK"


def test_lazy_expire_on_get(no_active_expire):
    r = no_active_expire
    r("SET", "k", "v", "PX", 50)
    assert r("GET", "k") == b"v"
    past_deadline(50)
    # not reclaimed yet: DBSIZE counts the dead key ...
    assert r("DBSIZE") == 1
    # ... until an access notices it
    assert r("GET", "k") is None
    assert r("DBSIZE") == 0


@pytest.mark.parametrize("probe,expected", [
    (["EXISTS", "k"], 0), (["TTL", "k"], -2), (["PTTL", "k"], -2),
    (["TYPE", "k"], b"none"), (["STRLEN", "k"], 0), (["MGET", "k"], [None]),
    (["KEYS", "*"], []), (["RANDOMKEY"], None), (["GETRANGE", "k", 0, -1], b""),
    (["EXPIRETIME", "k"], -2), (["PERSIST", "k"], 0), (["EXPIRE", "k", 100], 0),
    (["OBJECT", "ENCODING", "k"], None), (["GETDEL", "k"], None),
    (["COPY", "k", "k2"], 0),
])
def test_expired_key_invisible(no_active_expire, probe, expected):
    r = no_active_expire
    r("SET", "k", "v", "PX", 30)
    past_deadline(30)
    assert r(*probe) == expected
    assert r("EXISTS", "k2") == 0


def test_expired_key_scan_skips(no_active_expire):
    r = no_active_expire
    r("SET", "live", "1")
    r("SET", "dead", "1", "PX", 30)
    past_deadline(30)
    cursor, keys = r("SCAN", 0, "COUNT", 100)
    assert cursor == b"0"
    assert keys == [b"live"]


def test_expired_key_is_new_for_writes(no_active_expire):
    r = no_active_expire
    r("SET", "n", "41", "PX", 30)
    r("SET", "s", "v", "PX", 30)
    r("SET", "a", "abc", "PX", 30)
    past_deadline(30)
    assert r("INCR", "n") == 1
    assert r("SET", "s", "w", "NX") == b"OK"
    assert r("TTL", "s") == -1
    assert r("APPEND", "a", "x") == 1
    assert r("TTL", "a") == -1


def test_rename_of_expired_key_fails(no_active_expire, err):
    r = no_active_expire
    r("SET", "k", "v", "PX", 30)
    past_deadline(30)
    assert err(r, "RENAME", "k", "x") == "ERR no such key"


def test_active_expire_without_access(r):
    for i in range(20):
        r("SET", "k%d" % i, "v", "PX", 50)
    r("SET", "keep", "v")
    assert r("DBSIZE") == 21
    # no command touches the keys: only the background cycle can drop them
    assert wait_until(lambda: r("DBSIZE") == 1, timeout=1.5, interval=0.05)
    assert r("KEYS", "*") == [b"keep"]


def test_expired_keys_counter(r):
    r("CONFIG", "RESETSTAT")
    r("SET", "a", "v", "PX", 20)
    r("SET", "b", "v", "PX", 20)
    assert wait_until(lambda: r("DBSIZE") == 0, timeout=1.5, interval=0.05)
    assert parse_info(r("INFO", "stats"))["expired_keys"] == "2"


def test_expire_then_key_disappears(r):
    r("SET", "k", "v")
    assert r("PEXPIRE", "k", 50) == 1
    assert wait_until(lambda: r("EXISTS", "k") == 0, timeout=1.0)
    assert r("GET", "k") is None


def test_setex_and_psetex_expire(r):
    r("PSETEX", "p", 40, "v")
    r("SET", "s", "v", "PX", 40)
    assert r("EXISTS", "p", "s") == 2
    assert wait_until(lambda: r("EXISTS", "p", "s") == 0, timeout=1.0)


def test_getex_px_expires(r):
    r("SET", "k", "v")
    assert r("GETEX", "k", "PX", 40) == b"v"
    assert wait_until(lambda: r("GET", "k") is None, timeout=1.0)


def test_set_pxat_expires(r):
    deadline_ms = int(time.time() * 1000) + 60
    r("SET", "k", "v", "PXAT", deadline_ms)
    assert r("PEXPIRETIME", "k") == deadline_ms
    assert wait_until(lambda: r("EXISTS", "k") == 0, timeout=1.0)


def test_keepttl_keeps_deadline_and_key_expires(r):
    r("SET", "k", "v1", "PX", 150)
    deadline = r("PEXPIRETIME", "k")
    assert r("SET", "k", "v2", "KEEPTTL") == b"OK"
    assert r("PEXPIRETIME", "k") == deadline
    assert r("GET", "k") == b"v2"
    assert wait_until(lambda: r("EXISTS", "k") == 0, timeout=1.0)


def test_set_without_keepttl_removes_ttl(r):
    r("SET", "k", "v1", "PX", 50)
    r("SET", "k", "v2")
    time.sleep(0.1)
    assert r("GET", "k") == b"v2"


def test_persist_prevents_expiry(r):
    r("SET", "k", "v", "PX", 50)
    assert r("PERSIST", "k") == 1
    time.sleep(0.1)
    assert r("GET", "k") == b"v"


def test_rename_carries_ttl(r):
    r("SET", "k", "v", "PX", 80)
    r("RENAME", "k", "k2")
    assert 0 < r("PTTL", "k2") <= 80
    assert wait_until(lambda: r("EXISTS", "k2") == 0, timeout=1.0)


def test_expire_on_missing_key_returns_zero_and_creates_nothing(r):
    assert r("EXPIRE", "nokey", 10) == 0
    assert r("PEXPIRE", "nokey", 10) == 0
    assert r("EXISTS", "nokey") == 0


@pytest.mark.parametrize("args", [
    ["EXPIRE", "k", -1], ["PEXPIRE", "k", -100], ["EXPIREAT", "k", 1],
    ["EXPIRE", "k", 0], ["PEXPIREAT", "k", 0],
])
def test_non_positive_ttl_deletes_immediately(r, args):
    r("SET", "k", "v")
    assert r(*args) == 1
    assert r("DBSIZE") == 0
    assert r("GET", "k") is None


def test_negative_ttl_counts_as_delete_not_expire(r):
    r("CONFIG", "RESETSTAT")
    r("SET", "k", "v")
    r("EXPIRE", "k", -1)
    # the key is deleted right away: no expired_keys event
    assert parse_info(r("INFO", "stats"))["expired_keys"] == "0"


def test_pttl_counts_down(r):
    r("SET", "k", "v", "PX", 1000)
    a = r("PTTL", "k")
    time.sleep(0.05)
    b = r("PTTL", "k")
    assert 0 < b < a <= 1000


def test_ttl_rounds_to_nearest_second(r):
    r("SET", "a", "v", "PX", 1400)
    r("SET", "b", "v", "PX", 1700)
    assert r("TTL", "a") == 1
    assert r("TTL", "b") == 2


def test_keyspace_info_expires_and_avg_ttl(r):
    r("SET", "a", "1")
    r("SET", "b", "1", "EX", 1000)
    info = r("INFO", "keyspace").decode()
    line = [l for l in info.split("\r\n") if l.startswith("db0:")][0]
    fields = dict(p.split("=") for p in line[4:].split(","))
    assert list(fields) == ["keys", "expires", "avg_ttl"]
    assert fields["keys"] == "2"
    assert fields["expires"] == "1"
    # avg_ttl is a sampled estimate in ms, 0 until the cron has sampled
    assert 0 <= int(fields["avg_ttl"]) <= 1000000


def test_expire_updates_existing_ttl(r):
    r("SET", "k", "v", "EX", 1000)
    r("PEXPIRE", "k", 50)
    assert wait_until(lambda: r("EXISTS", "k") == 0, timeout=1.0)
