"""HyperLogLog: PFADD PFCOUNT PFMERGE PFDEBUG PFSELFTEST, the value as a Redis
string in Redis's exact bytes (sparse and dense), the cached cardinality,
hll-sparse-max-bytes, corrupted-HLL errors, DUMP/RESTORE, keyspace events and
WATCH. The expectations are Redis 7.2.6's replies."""

import pytest

NOT_HLL = "WRONGTYPE Key is not a valid HyperLogLog string value."
CORRUPT = "INVALIDOBJ Corrupted HLL object detected"
WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value"

# GET of `PFADD k a b c` on redis-server 7.2.6: header (cache stale) + sparse opcodes.
ABC = b"HYLL\x01" + b"\x00" * 10 + b"\x80" + bytes.fromhex("60f38050b1844bfb80425a")


@pytest.fixture
def sparse_max(r):
    old = r("CONFIG", "GET", "hll-sparse-max-bytes")[1]
    yield lambda n: r("CONFIG", "SET", "hll-sparse-max-bytes", str(n))
    r("CONFIG", "SET", "hll-sparse-max-bytes", old)


def add_range(r, key, start, stop):
    return r("PFADD", key, *["e%d" % i for i in range(start, stop)])


def test_pfadd_value_is_redis_bytes(r):
    assert r("PFADD", "k", "a", "b", "c") == 1
    assert r("GET", "k") == ABC
    assert r("TYPE", "k") == b"string"
    assert r("PFADD", "k", "a") == 0
    assert r("PFCOUNT", "k") == 3
    # the count is now cached in the header, little endian, stale bit clear
    assert r("GETRANGE", "k", 8, 15) == b"\x03" + b"\x00" * 7
    assert r("PFDEBUG", "DECODE", "k") == b"Z:8436 v:1,1 Z:4274 v:2,1 Z:3068 v:1,1 Z:603"


def test_set_of_redis_bytes_is_an_hll(r):
    assert r("SET", "k", ABC) == b"OK"
    assert r("PFCOUNT", "k") == 3
    assert r("PFADD", "k", "c", "b") == 0
    assert r("PFADD", "k", "d") == 1
    assert r("PFCOUNT", "k") == 4


def test_pfadd_without_elements_and_empty_string(r):
    assert r("PFADD", "e") == 1
    assert r("GET", "e") == b"HYLL\x01" + b"\x00" * 10 + b"\x80\x7f\xff"
    assert r("PFCOUNT", "e") == 0
    assert r("PFADD", "e", "") == 1
    assert r("PFCOUNT", "e") == 1


def test_promotion_to_dense_and_estimates(r, sparse_max):
    add_range(r, "x", 0, 300)
    assert r("PFDEBUG", "ENCODING", "x") == b"sparse"
    assert r("STRLEN", "x") == 713
    assert r("PFCOUNT", "x") == 302
    for s in range(0, 100000, 5000):
        add_range(r, "big", s, s + 5000)
    assert r("PFDEBUG", "ENCODING", "big") == b"dense"
    assert r("STRLEN", "big") == 12304
    assert r("PFCOUNT", "big") == 100853
    sparse_max(30)
    add_range(r, "y", 0, 10)
    assert r("PFDEBUG", "ENCODING", "y") == b"dense"


def test_pfmerge_and_multi_key_pfcount(r):
    r("PFADD", "a", "1", "2", "3")
    r("PFADD", "b", "3", "4", "5")
    assert r("PFCOUNT", "a", "b", "missing") == 5
    assert r("PFMERGE", "m", "a", "b") == b"OK"
    assert r("PFCOUNT", "m") == 5
    assert r("PFMERGE", "empty", "missing") == b"OK"
    assert r("PFCOUNT", "empty") == 0
    assert r("PFDEBUG", "TODENSE", "b") == 1
    assert r("PFDEBUG", "TODENSE", "b") == 0
    assert r("PFMERGE", "a", "b") == b"OK"
    assert r("PFDEBUG", "ENCODING", "a") == b"dense"
    assert r("PFCOUNT", "a") == 5


def test_type_and_corruption_errors(r, err):
    r("SET", "s", "hello")
    r("LPUSH", "l", "x")
    assert err(r, "PFADD", "s", "x") == NOT_HLL
    assert err(r, "PFCOUNT", "s") == NOT_HLL
    assert err(r, "PFMERGE", "d", "s") == NOT_HLL
    assert err(r, "PFCOUNT", "l") == WRONGTYPE
    r("PFADD", "k", "a")
    r("APPEND", "k", "x")
    assert err(r, "PFCOUNT", "k") == CORRUPT
    r("SET", "c", b"HYLL\x01" + b"\x00" * 10 + b"\x80\x7f\xff\x00")
    assert err(r, "PFCOUNT", "c") == CORRUPT
    r("SET", "d", b"HYLL\x00" + b"\x00" * 11)
    assert err(r, "PFCOUNT", "d") == NOT_HLL
    assert err(r, "PFDEBUG", "GETREG", "missing") == "ERR The specified key does not exist"
    assert err(r, "PFDEBUG", "FOO", "k") == "ERR Unknown PFDEBUG subcommand 'FOO'"


def test_pfdebug_getreg(r):
    r("PFADD", "k", "a", "b", "c")
    regs = r("PFDEBUG", "GETREG", "k")
    assert len(regs) == 16384
    assert {i: v for i, v in enumerate(regs) if v} == {8436: 1, 12711: 2, 15780: 1}
    assert r("PFDEBUG", "ENCODING", "k") == b"dense"


def test_dump_restore_round_trip(r):
    add_range(r, "k", 0, 1000)
    before = r("GET", "k")
    payload = r("DUMP", "k")
    assert r("RESTORE", "k2", 0, payload) == b"OK"
    assert r("GET", "k2") == before
    assert r("PFCOUNT", "k2") == 1008


def test_events_and_watch(r, new_client):
    r("CONFIG", "SET", "notify-keyspace-events", "KEA")
    try:
        sub = new_client()
        p = sub.pubsub()
        p.psubscribe("__keyevent@0__:*")
        p.get_message(timeout=1)
        r("PFADD", "k", "a")
        r("PFMERGE", "m", "k")
        events = []
        for _ in range(10):
            m = p.get_message(timeout=0.5)
            if m and m["type"] == "pmessage":
                events.append((m["channel"], m["data"]))
        assert (b"__keyevent@0__:pfadd", b"k") in events
        assert (b"__keyevent@0__:pfadd", b"m") in events
        p.close()
    finally:
        r("CONFIG", "SET", "notify-keyspace-events", "")
    # A PFCOUNT that refreshes the cache modifies the key.
    r("PFADD", "k", "b")
    w2 = new_client()
    w2.execute_command("WATCH", "k")
    assert r("PFCOUNT", "k") == 2
    w2.execute_command("MULTI")
    w2.execute_command("PING")
    assert w2.execute_command("EXEC") is None


def test_pfselftest(r):
    assert r("PFSELFTEST") == b"OK"
