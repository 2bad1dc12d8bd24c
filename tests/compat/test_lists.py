"""List commands: LPUSH RPUSH LPUSHX RPUSHX LPOP RPOP (with COUNT) LLEN LRANGE
LINDEX LSET LINSERT LREM LTRIM LPOS LMOVE RPOPLPUSH LMPOP, their RESP2 and
RESP3 wire forms and error texts, the listpack / quicklist encodings and the
conversions both ways (list-max-listpack-size), WRONGTYPE; and the blocking
commands BLPOP BRPOP BLMOVE BRPOPLPUSH BLMPOP BZPOPMIN BZPOPMAX BZMPOP with
several real connections: FIFO order among waiters, several keys, timeouts,
CLIENT UNBLOCK, a client that disconnects while blocked. Every wait is < 1 s.
Lists encoded as listpack (and the timeout error texts) are new in 7.2: those
tests are marked redis72."""

import threading
import time

import pytest

from conftest import parse_info, resp_cmd, resp_reply_end, wait_until

WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value"
SYNTAX = "ERR syntax error"
NOT_INT = "ERR value is not an integer or out of range"
POSITIVE = "ERR value is out of range, must be positive"
TIMEOUT_FLOAT = "ERR timeout is not a float or out of range"
TIMEOUT_NEG = "ERR timeout is negative"


def wire(raw, *args, protocol=2):
    """The exact reply bytes of one command on a fresh connection (after HELLO 3 for RESP3)."""
    if protocol == 3:
        data = raw(resp_cmd("HELLO", "3") + resp_cmd(*args), replies=2)
        return data[resp_reply_end(data):]
    return raw(resp_cmd(*args))


def blocked_clients(r):
    return int(parse_info(r("INFO", "clients"))["blocked_clients"])


def wait_blocked(r, n):
    assert wait_until(lambda: blocked_clients(r) == n, timeout=2.0), \
        "expected %d blocked clients, INFO says %d" % (n, blocked_clients(r))


def block(raw_conn, r, *args, protocol=2, already=None):
    """Sends a blocking command on a new raw connection and waits until the
    server counts it as blocked. Returns the connection."""
    c = raw_conn()
    if protocol == 3:
        c.request(resp_cmd("HELLO", "3"))
    before = blocked_clients(r) if already is None else already
    c.send(resp_cmd(*args))
    wait_blocked(r, before + 1)
    return c


@pytest.fixture
def listpack_size(r):
    saved = r("CONFIG", "GET", "list-max-listpack-size")[1]

    def set_size(n):
        r("CONFIG", "SET", "list-max-listpack-size", str(n))

    yield set_size
    r("CONFIG", "SET", "list-max-listpack-size", saved)


# --------------------------------------------------------------------------
# push / pop / length / range
# --------------------------------------------------------------------------

def test_push_and_range(r):
    assert r("LPUSH", "l", "a", "b", "c") == 3
    assert r("RPUSH", "l", "x", "y") == 5
    assert r("LRANGE", "l", 0, -1) == [b"c", b"b", b"a", b"x", b"y"]
    assert r("LLEN", "l") == 5
    assert r("TYPE", "l") == b"list"
    assert r("LRANGE", "l", 1, 2) == [b"b", b"a"]
    assert r("LRANGE", "l", -2, -1) == [b"x", b"y"]
    assert r("LRANGE", "l", -100, 100) == [b"c", b"b", b"a", b"x", b"y"]
    assert r("LRANGE", "l", 3, 1) == []
    assert r("LRANGE", "l", 10, 20) == []
    assert r("LRANGE", "nokey", 0, -1) == []
    assert r("LLEN", "nokey") == 0


def test_pushx(r):
    assert r("LPUSHX", "l", "a") == 0
    assert r("RPUSHX", "l", "a", "b") == 0
    assert r("EXISTS", "l") == 0
    r("RPUSH", "l", "m")
    assert r("LPUSHX", "l", "a", "b") == 3
    assert r("RPUSHX", "l", "y", "z") == 5
    assert r("LRANGE", "l", 0, -1) == [b"b", b"a", b"m", b"y", b"z"]


def test_pop_single_and_count(r):
    r("RPUSH", "l", "a", "b", "c", "d", "e")
    assert r("LPOP", "l") == b"a"
    assert r("RPOP", "l") == b"e"
    assert r("LPOP", "l", 2) == [b"b", b"c"]
    assert r("RPOP", "l", 0) == []
    assert r("RPOP", "l", 10) == [b"d"]
    assert r("EXISTS", "l") == 0
    assert r("LPOP", "l") is None


def test_pop_wire_shapes(raw):
    assert wire(raw, "LPOP", "nokey") == b"$-1\r\n"
    assert wire(raw, "LPOP", "nokey", protocol=3) == b"_\r\n"
    assert wire(raw, "LPOP", "nokey", 1) == b"*-1\r\n"
    assert wire(raw, "RPOP", "nokey", 1, protocol=3) == b"_\r\n"
    assert wire(raw, "LPOP", "nokey", 0) == b"*-1\r\n"
    assert wire(raw, "RPOP", "nokey", 0, protocol=3) == b"_\r\n"


def test_pop_count_errors(r, err):
    r("RPUSH", "l", "a")
    assert err(r, "LPOP", "l", -1) == POSITIVE
    assert err(r, "LPOP", "l", 1, 2) == "ERR wrong number of arguments for 'lpop' command"
    assert err(r, "LPUSH", "l") == "ERR wrong number of arguments for 'lpush' command"


def test_pop_count_not_integer(r, err):
    r("RPUSH", "l", "a")
    assert err(r, "RPOP", "l", "x") == POSITIVE
    assert err(r, "LPOP", "nokey", "1.5") == POSITIVE


def test_lindex_lset(r, err):
    r("RPUSH", "l", "a", "b", "c")
    assert r("LINDEX", "l", 0) == b"a"
    assert r("LINDEX", "l", -1) == b"c"
    assert r("LINDEX", "l", 3) is None
    assert r("LINDEX", "nokey", 0) is None
    assert err(r, "LINDEX", "l", "x") == NOT_INT
    assert r("LSET", "l", 1, "B") == b"OK"
    assert r("LSET", "l", -1, "C") == b"OK"
    assert r("LRANGE", "l", 0, -1) == [b"a", b"B", b"C"]
    assert err(r, "LSET", "l", 3, "x") == "ERR index out of range"
    assert err(r, "LSET", "nokey", 0, "x") == "ERR no such key"
    assert err(r, "LSET", "l", "x", "x") == NOT_INT


def test_linsert(r, err):
    r("RPUSH", "l", "a", "c")
    assert r("LINSERT", "l", "BEFORE", "c", "b") == 3
    assert r("LINSERT", "l", "after", "c", "d") == 4
    assert r("LINSERT", "l", "AFTER", "zz", "x") == -1
    assert r("LINSERT", "nokey", "AFTER", "a", "x") == 0
    assert r("LRANGE", "l", 0, -1) == [b"a", b"b", b"c", b"d"]
    assert err(r, "LINSERT", "l", "MIDDLE", "a", "x") == SYNTAX


def test_lrem(r):
    r("RPUSH", "l", "a", "b", "a", "c", "a", "b")
    assert r("LREM", "l", -2, "a") == 2
    assert r("LRANGE", "l", 0, -1) == [b"a", b"b", b"c", b"b"]
    assert r("LREM", "l", 1, "b") == 1
    assert r("LRANGE", "l", 0, -1) == [b"a", b"c", b"b"]
    assert r("LREM", "l", 0, "zz") == 0
    assert r("LREM", "l", 0, "a") == 1
    assert r("LREM", "nokey", 0, "a") == 0
    r("LREM", "l", 0, "c")
    r("LREM", "l", 0, "b")
    assert r("EXISTS", "l") == 0


def test_ltrim(r):
    r("RPUSH", "l", "a", "b", "c", "d", "e")
    assert r("LTRIM", "l", 1, -2) == b"OK"
    assert r("LRANGE", "l", 0, -1) == [b"b", b"c", b"d"]
    assert r("LTRIM", "l", -100, 100) == b"OK"
    assert r("LLEN", "l") == 3
    assert r("LTRIM", "l", 2, 1) == b"OK"
    assert r("EXISTS", "l") == 0
    assert r("LTRIM", "nokey", 0, 1) == b"OK"


def test_lpos(r, err):
    r("RPUSH", "l", "a", "b", "c", "1", "2", "3", "c", "c")
    assert r("LPOS", "l", "c") == 2
    assert r("LPOS", "l", "zz") is None
    assert r("LPOS", "l", "c", "RANK", 2) == 6
    assert r("LPOS", "l", "c", "RANK", -1) == 7
    assert r("LPOS", "l", "c", "COUNT", 0) == [2, 6, 7]
    assert r("LPOS", "l", "c", "COUNT", 2) == [2, 6]
    assert r("LPOS", "l", "c", "COUNT", 2, "RANK", -1) == [7, 6]
    assert r("LPOS", "l", "c", "COUNT", 0, "MAXLEN", 3) == [2]
    assert r("LPOS", "l", "zz", "COUNT", 0) == []
    assert r("LPOS", "nokey", "a") is None
    assert r("LPOS", "nokey", "a", "COUNT", 1) == []
    assert err(r, "LPOS", "l", "c", "RANK", 0) == (
        "ERR RANK can't be zero: use 1 to start from the first match, "
        "2 from the second ... or use negative to start from the end of the list")
    assert err(r, "LPOS", "l", "c", "COUNT", -1) == "ERR COUNT can't be negative"
    assert err(r, "LPOS", "l", "c", "MAXLEN", -1) == "ERR MAXLEN can't be negative"
    assert err(r, "LPOS", "l", "c", "FOO", 1) == SYNTAX


def test_lmove_rpoplpush(r, err):
    r("RPUSH", "src", "a", "b", "c")
    assert r("LMOVE", "src", "dst", "LEFT", "RIGHT") == b"a"
    assert r("LMOVE", "src", "dst", "RIGHT", "LEFT") == b"c"
    assert r("LRANGE", "dst", 0, -1) == [b"c", b"a"]
    assert r("RPOPLPUSH", "src", "dst") == b"b"
    assert r("EXISTS", "src") == 0
    assert r("LRANGE", "dst", 0, -1) == [b"b", b"c", b"a"]
    assert r("LMOVE", "nokey", "dst", "LEFT", "LEFT") is None
    assert r("RPOPLPUSH", "nokey", "dst") is None
    # rotation on the same key
    assert r("LMOVE", "dst", "dst", "LEFT", "RIGHT") == b"b"
    assert r("LRANGE", "dst", 0, -1) == [b"c", b"a", b"b"]
    assert err(r, "LMOVE", "dst", "x", "UP", "LEFT") == SYNTAX
    r("SET", "str", "v")
    assert err(r, "LMOVE", "dst", "str", "LEFT", "LEFT") == WRONGTYPE
    assert r("LLEN", "dst") == 3


def test_lmpop(r, err, raw):
    r("RPUSH", "b", "1", "2", "3")
    assert r("LMPOP", 2, "a", "b", "LEFT") == [b"b", [b"1"]]
    assert r("LMPOP", 2, "a", "b", "RIGHT", "COUNT", 5) == [b"b", [b"3", b"2"]]
    assert r("LMPOP", 1, "a", "LEFT") is None
    assert wire(raw, "LMPOP", 1, "a", "LEFT") == b"*-1\r\n"
    assert wire(raw, "LMPOP", 1, "a", "LEFT", protocol=3) == b"_\r\n"
    assert err(r, "LMPOP", 0, "a", "LEFT") == "ERR numkeys should be greater than 0"
    assert err(r, "LMPOP", 1, "a", "LEFT", "COUNT", 0) == "ERR count should be greater than 0"
    assert err(r, "LMPOP", 1, "a", "UP") == SYNTAX
    assert err(r, "LMPOP", 3, "a", "LEFT") == SYNTAX


def test_wrongtype(r, err):
    r("SET", "s", "v")
    for args in (("LPUSH", "s", "a"), ("RPUSH", "s", "a"), ("LPUSHX", "s", "a"),
                 ("LPOP", "s"), ("RPOP", "s", 2), ("LLEN", "s"), ("LRANGE", "s", 0, -1),
                 ("LINDEX", "s", 0), ("LSET", "s", 0, "a"), ("LINSERT", "s", "BEFORE", "a", "b"),
                 ("LREM", "s", 0, "a"), ("LTRIM", "s", 0, 1), ("LPOS", "s", "a"),
                 ("RPOPLPUSH", "s", "d"), ("LMPOP", 1, "s", "LEFT"), ("BLPOP", "s", 0.01)):
        assert err(r, *args) == WRONGTYPE, args
    r("RPUSH", "l", "a")
    assert err(r, "GET", "l") == WRONGTYPE
    assert err(r, "SADD", "l", "x") == WRONGTYPE


# --------------------------------------------------------------------------
# encodings
# --------------------------------------------------------------------------

@pytest.mark.redis72
def test_encoding_listpack_quicklist_and_back(r, listpack_size):
    listpack_size(4)
    r("RPUSH", "l", "a", "b", "c", "d")
    assert r("OBJECT", "ENCODING", "l") == b"listpack"
    r("RPUSH", "l", "e")
    assert r("OBJECT", "ENCODING", "l") == b"quicklist"
    r("RPOP", "l", 2)
    assert r("OBJECT", "ENCODING", "l") == b"quicklist"
    r("RPOP", "l")
    assert r("OBJECT", "ENCODING", "l") == b"listpack"
    assert r("LRANGE", "l", 0, -1) == [b"a", b"b"]


@pytest.mark.redis72
def test_encoding_large_value(r):
    r("RPUSH", "l", "a")
    assert r("OBJECT", "ENCODING", "l") == b"listpack"
    r("RPUSH", "l", "x" * 9000)
    assert r("OBJECT", "ENCODING", "l") == b"quicklist"


def test_encoding_config_alias(r, listpack_size):
    listpack_size(7)
    assert r("CONFIG", "GET", "list-max-ziplist-size") == [b"list-max-ziplist-size", b"7"]
    assert r("CONFIG", "GET", "list-max-listpack-size") == [b"list-max-listpack-size", b"7"]


# --------------------------------------------------------------------------
# blocking
# --------------------------------------------------------------------------

def test_blpop_immediate(r):
    r("RPUSH", "b", "1", "2")
    assert r("BLPOP", "a", "b", 1) == [b"b", b"1"]
    assert r("BRPOP", "a", "b", 1) == [b"b", b"2"]
    assert r("EXISTS", "b") == 0


def test_blpop_timeout_wire(raw):
    assert wire(raw, "BLPOP", "a", "0.05") == b"*-1\r\n"
    assert wire(raw, "BRPOP", "a", "0.05", protocol=3) == b"_\r\n"
    assert wire(raw, "BLMOVE", "a", "b", "LEFT", "LEFT", "0.05") == b"*-1\r\n"
    assert wire(raw, "BRPOPLPUSH", "a", "b", "0.05", protocol=3) == b"_\r\n"
    assert wire(raw, "BLMPOP", "0.05", 1, "a", "LEFT") == b"*-1\r\n"
    assert wire(raw, "BZPOPMIN", "a", "0.05") == b"*-1\r\n"
    assert wire(raw, "BZPOPMAX", "a", "0.05", protocol=3) == b"_\r\n"
    assert wire(raw, "BZMPOP", "0.05", 1, "a", "MIN") == b"*-1\r\n"


@pytest.mark.redis72
def test_timeout_errors(r, err):
    assert err(r, "BLPOP", "a", "x") == TIMEOUT_FLOAT
    assert err(r, "BLPOP", "a", -1) == TIMEOUT_NEG
    assert err(r, "BRPOP", "a", "inf") == "ERR timeout is out of range"
    assert err(r, "BLMPOP", "x", 1, "a", "LEFT") == TIMEOUT_FLOAT
    assert err(r, "BZPOPMIN", "a", -0.5) == TIMEOUT_NEG


def test_timeout_precision(r):
    start = time.monotonic()
    assert r("BLPOP", "a", 0.3) is None
    elapsed = time.monotonic() - start
    assert 0.28 <= elapsed < 0.8, elapsed


def test_blpop_served_by_push(r, raw_conn):
    c = block(raw_conn, r, "BLPOP", "a", "b", 2)
    assert r("RPUSH", "b", "x", "y") == 2
    assert c.read_replies(1) == b"*2\r\n$1\r\nb\r\n$1\r\nx\r\n"
    assert r("LRANGE", "b", 0, -1) == [b"y"]
    assert blocked_clients(r) == 0


def test_fifo_among_waiters(r, raw_conn):
    waiters = [block(raw_conn, r, "BLPOP", "q", 2) for _ in range(3)]
    assert r("RPUSH", "q", "1", "2", "3") == 3
    for i, c in enumerate(waiters, 1):
        assert c.read_replies(1) == b"*2\r\n$1\r\nq\r\n$1\r\n%d\r\n" % i
    assert r("EXISTS", "q") == 0


def test_fifo_one_element_serves_first_waiter_only(r, raw_conn):
    first = block(raw_conn, r, "BRPOP", "q", 2)
    second = block(raw_conn, r, "BRPOP", "q", 2)
    r("LPUSH", "q", "only")
    assert first.read_replies(1) == b"*2\r\n$1\r\nq\r\n$4\r\nonly\r\n"
    assert second.read_for(0.1) == b""
    assert blocked_clients(r) == 1
    r("LPUSH", "q", "next")
    assert second.read_replies(1) == b"*2\r\n$1\r\nq\r\n$4\r\nnext\r\n"


def test_multiple_keys_first_nonempty_key_wins(r, raw_conn):
    c = block(raw_conn, r, "BLPOP", "k1", "k2", "k3", 2)
    r("RPUSH", "k3", "c")
    assert c.read_replies(1) == b"*2\r\n$2\r\nk3\r\n$1\r\nc\r\n"
    r("RPUSH", "k2", "b")
    r("RPUSH", "k3", "c")
    assert r("BLPOP", "k1", "k2", "k3", 1) == [b"k2", b"b"]


def test_blocked_waiter_served_with_resp3(r, raw_conn):
    c = block(raw_conn, r, "BLMPOP", 2, 1, "k", "RIGHT", "COUNT", 2, protocol=3)
    r("RPUSH", "k", "a", "b", "c")
    assert c.read_replies(1) == b"*2\r\n$1\r\nk\r\n*2\r\n$1\r\nc\r\n$1\r\nb\r\n"


def test_blmove_reliable_queue(r, new_client):
    worker = new_client()
    results = []

    def work():
        results.append(worker("BLMOVE", "jobs", "processing", "RIGHT", "LEFT", 2))

    t = threading.Thread(target=work)
    t.start()
    wait_blocked(r, 1)
    r("LPUSH", "jobs", "job1")
    t.join(2)
    assert results == [b"job1"]
    assert r("EXISTS", "jobs") == 0
    assert r("LRANGE", "processing", 0, -1) == [b"job1"]
    assert r("LREM", "processing", 1, "job1") == 1


def test_brpoplpush_served_and_chain(r, raw_conn):
    c = block(raw_conn, r, "BRPOPLPUSH", "a", "b", 2)
    d = block(raw_conn, r, "BLPOP", "b", 2)
    r("RPUSH", "a", "x")
    assert c.read_replies(1) == b"$1\r\nx\r\n"
    # the element moved to b wakes the second waiter
    assert d.read_replies(1) == b"*2\r\n$1\r\nb\r\n$1\r\nx\r\n"
    assert r("EXISTS", "a", "b") == 0


def test_blpop_thread_waiter_served(r, new_client):
    clients = [new_client() for _ in range(3)]
    out = {}

    def waiter(i):
        out[i] = clients[i]("BLPOP", "t", 2)

    threads = []
    for i in range(3):
        th = threading.Thread(target=waiter, args=(i,))
        th.start()
        threads.append(th)
        wait_blocked(r, i + 1)
    r("RPUSH", "t", "a", "b", "c")
    for th in threads:
        th.join(2)
    assert out == {0: [b"t", b"a"], 1: [b"t", b"b"], 2: [b"t", b"c"]}


def test_client_unblock(r, raw_conn, err):
    c = raw_conn()
    cid = int(c.request(resp_cmd("CLIENT", "ID"))[1:-2])
    c.send(resp_cmd("BLPOP", "k", 0))
    wait_blocked(r, 1)
    assert r("CLIENT", "UNBLOCK", cid, "TIMEOUT") == 1
    assert c.read_replies(1) == b"*-1\r\n"
    assert blocked_clients(r) == 0
    assert r("CLIENT", "UNBLOCK", cid) == 0
    c.send(resp_cmd("BZPOPMIN", "z", 0))
    wait_blocked(r, 1)
    assert r("CLIENT", "UNBLOCK", cid, "ERROR") == 1
    assert c.read_replies(1) == b"-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n"
    assert blocked_clients(r) == 0
    assert r("CLIENT", "UNBLOCK", 999999, "TIMEOUT") == 0
    assert err(r, "CLIENT", "UNBLOCK", cid, "FOO") == \
        "ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR"
    assert err(r, "CLIENT", "UNBLOCK", "abc") == NOT_INT
    # the connection is still usable
    assert c.request(resp_cmd("PING")) == b"+PONG\r\n"


def test_disconnect_while_blocked(r, raw_conn):
    c = block(raw_conn, r, "BLPOP", "k", 0)
    d = block(raw_conn, r, "BLMOVE", "k", "dst", "LEFT", "LEFT", 0)
    assert blocked_clients(r) == 2
    c.close()
    d.close()
    wait_blocked(r, 0)
    # nothing is lost to the closed connections
    r("RPUSH", "k", "x")
    assert r("LRANGE", "k", 0, -1) == [b"x"]
    assert r("EXISTS", "dst") == 0


def test_bzpopmin_bzpopmax(r, raw_conn, raw):
    r("ZADD", "z", 1, "a", 2, "b", 3, "c")
    assert r("BZPOPMIN", "nokey", "z", 1) == [b"z", b"a", b"1"]
    assert r("BZPOPMAX", "z", 1) == [b"z", b"c", b"3"]
    assert wire(raw, "BZPOPMIN", "z", 1, protocol=3) == b"*3\r\n$1\r\nz\r\n$1\r\nb\r\n,2\r\n"
    c = block(raw_conn, r, "BZPOPMIN", "z", "z2", 2)
    r("ZADD", "z2", 5, "e", 4, "d")
    assert c.read_replies(1) == b"*3\r\n$2\r\nz2\r\n$1\r\nd\r\n$1\r\n4\r\n"
    assert r("ZRANGE", "z2", 0, -1) == [b"e"]


def test_bzmpop(r, raw_conn):
    r("ZADD", "z", 1, "a", 2, "b", 3, "c")
    assert r("BZMPOP", 1, 1, "z", "MAX", "COUNT", 2) == [b"z", [[b"c", b"3"], [b"b", b"2"]]]
    c = block(raw_conn, r, "BZMPOP", 2, 1, "y", "MIN")
    r("ZADD", "y", 7, "m")
    assert c.read_replies(1) == b"*2\r\n$1\r\ny\r\n*1\r\n*2\r\n$1\r\nm\r\n$1\r\n7\r\n"


def test_blocking_wrongtype_after_block(r, raw_conn):
    # a waiter on a key that becomes a string stays blocked
    c = block(raw_conn, r, "BLPOP", "k", 2)
    r("SET", "k", "v")
    assert c.read_for(0.1) == b""
    assert blocked_clients(r) == 1
    r("DEL", "k")
    r("RPUSH", "k", "x")
    assert c.read_replies(1) == b"*2\r\n$1\r\nk\r\n$1\r\nx\r\n"


# --------------------------------------------------------------------------
# more edge cases
# --------------------------------------------------------------------------

def test_range_index_errors(r, err):
    r("RPUSH", "l", "a")
    assert err(r, "LRANGE", "l", 0, "x") == NOT_INT
    assert err(r, "LTRIM", "l", "x", 1) == NOT_INT
    assert err(r, "LREM", "l", "x", "a") == NOT_INT
    assert err(r, "LINSERT", "l", "BEFORE", "a") == \
        "ERR wrong number of arguments for 'linsert' command"


def test_pop_count_resp3_shape(raw):
    raw(resp_cmd("RPUSH", "l3", "a", "b"))
    assert wire(raw, "LPOP", "l3", 1, protocol=3) == b"*1\r\n$1\r\na\r\n"
    assert wire(raw, "RPOP", "l3", 0, protocol=3) == b"*0\r\n"
    assert wire(raw, "LMPOP", 1, "l3", "LEFT", protocol=3) == b"*2\r\n$2\r\nl3\r\n*1\r\n$1\r\nb\r\n"


def test_rpoplpush_wrongtype_destination_keeps_source(r, err):
    r("RPUSH", "src", "a")
    r("SET", "dst", "v")
    assert err(r, "RPOPLPUSH", "src", "dst") == WRONGTYPE
    assert r("LRANGE", "src", 0, -1) == [b"a"]


@pytest.mark.redis72
def test_encoding_ltrim_and_lset_conversions(r, listpack_size):
    listpack_size(4)
    r("RPUSH", "l", *"abcdefgh")
    assert r("OBJECT", "ENCODING", "l") == b"quicklist"
    r("LTRIM", "l", 0, 1)
    assert r("OBJECT", "ENCODING", "l") == b"listpack"
    listpack_size(-2)
    r("LSET", "l", 0, "x" * 9000)
    assert r("OBJECT", "ENCODING", "l") == b"quicklist"


@pytest.mark.redis72
def test_encoding_lset_large_value_with_count_limit(r, listpack_size):
    listpack_size(4)
    r("RPUSH", "l", "a", "b")
    r("LSET", "l", 0, "x" * 9000)
    assert r("OBJECT", "ENCODING", "l") == b"listpack"
    r("DEL", "l")
    r("RPUSH", "l", "a")
    r("RPUSH", "l", "x" * 9000)
    assert r("OBJECT", "ENCODING", "l") == b"quicklist"


@pytest.mark.redis72
def test_encoding_by_size_limit(r, listpack_size):
    listpack_size(-1)  # 4 KB per node
    r("RPUSH", "l", "x" * 3000)
    assert r("OBJECT", "ENCODING", "l") == b"listpack"
    r("RPUSH", "l", "y" * 3000)
    assert r("OBJECT", "ENCODING", "l") == b"quicklist"


@pytest.mark.redis72
def test_blocking_timeout_zero_and_large(r, err, raw_conn):
    assert err(r, "BLPOP", "a", "1e20") == "ERR timeout is out of range"
    c = block(raw_conn, r, "BLPOP", "a", "0.0")
    r("RPUSH", "a", "v")
    assert c.read_replies(1) == b"*2\r\n$1\r\na\r\n$1\r\nv\r\n"


def test_blmpop_errors(r, err):
    assert err(r, "BLMPOP", 1, 0, "a", "LEFT") == "ERR numkeys should be greater than 0"
    assert err(r, "BLMPOP", 1, 1, "a", "LEFT", "COUNT", -1) == "ERR count should be greater than 0"
    assert err(r, "BZMPOP", 1, 1, "a", "UP") == SYNTAX


def test_waiter_times_out_while_next_is_served(r, raw_conn):
    short = block(raw_conn, r, "BLPOP", "q", "0.2")
    long = block(raw_conn, r, "BLPOP", "q", 2)
    assert short.read_replies(1, timeout=1.0) == b"*-1\r\n"
    wait_blocked(r, 1)
    r("RPUSH", "q", "v")
    assert long.read_replies(1) == b"*2\r\n$1\r\nq\r\n$1\r\nv\r\n"


def test_rename_wakes_waiter(r, raw_conn):
    c = block(raw_conn, r, "BLPOP", "dst", 2)
    r("RPUSH", "src", "x")
    assert r("RENAME", "src", "dst") == b"OK"
    assert c.read_replies(1) == b"*2\r\n$3\r\ndst\r\n$1\r\nx\r\n"


def test_blmove_waiter_resp3_and_mixed_waiters(r, raw_conn):
    m = block(raw_conn, r, "BLMOVE", "q", "done", "LEFT", "RIGHT", 2, protocol=3)
    p = block(raw_conn, r, "BRPOP", "q", 2)
    r("RPUSH", "q", "1", "2")
    assert m.read_replies(1) == b"$1\r\n1\r\n"
    assert p.read_replies(1) == b"*2\r\n$1\r\nq\r\n$1\r\n2\r\n"
    assert r("LRANGE", "done", 0, -1) == [b"1"]


def test_blocked_client_in_client_list(r, raw_conn):
    c = raw_conn()
    cid = int(c.request(resp_cmd("CLIENT", "ID"))[1:-2])
    c.send(resp_cmd("BLPOP", "k", 2))
    wait_blocked(r, 1)
    line = r("CLIENT", "LIST", "ID", cid)
    assert b" flags=b " in line and b" cmd=blpop " in line
    r("CLIENT", "UNBLOCK", cid)
    assert c.read_replies(1) == b"*-1\r\n"
