"""Transactions: MULTI EXEC DISCARD WATCH UNWATCH. redis-py pipelines,
QUEUED replies, EXECABORT after a queue-time error, runtime errors inside EXEC
(no rollback), WATCH broken by another connection's write, the error texts, and
the blocking commands inside a transaction (they answer at once, as on a
timeout) and a waiter woken only once EXEC has run."""

import pytest
import redis

from conftest import parse_info, resp_cmd, wait_until

WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value"
EXECABORT = "EXECABORT Transaction discarded because of previous errors."


def blocked_clients(r):
    return int(parse_info(r("INFO", "clients"))["blocked_clients"])


def test_pipeline_transaction(r):
    p = r.pipeline(transaction=True)
    p.set("a", "1")
    p.incr("a")
    p.rpush("l", "x", "y")
    p.get("a")
    assert p.execute() == [b"OK", 2, 2, b"2"]
    assert r("GET", "a") == b"2"


def test_multi_exec_wire(raw_conn):
    c = raw_conn()
    assert c.request(resp_cmd("MULTI")) == b"+OK\r\n"
    assert c.request(resp_cmd("SET", "k", "v")) == b"+QUEUED\r\n"
    assert c.request(resp_cmd("GET", "k")) == b"+QUEUED\r\n"
    assert c.request(resp_cmd("EXEC")) == b"*2\r\n+OK\r\n$1\r\nv\r\n"
    assert c.request(resp_cmd("MULTI")) == b"+OK\r\n"
    assert c.request(resp_cmd("EXEC")) == b"*0\r\n"
    c.request(resp_cmd("DEL", "k"))


def test_discard(r, raw_conn):
    c = raw_conn()
    c.request(resp_cmd("MULTI"))
    c.request(resp_cmd("SET", "k", "v"))
    assert c.request(resp_cmd("DISCARD")) == b"+OK\r\n"
    assert r("EXISTS", "k") == 0
    assert c.request(resp_cmd("EXEC")) == b"-ERR EXEC without MULTI\r\n"
    assert c.request(resp_cmd("DISCARD")) == b"-ERR DISCARD without MULTI\r\n"


def test_pipeline_reset_discards(r):
    p = r.pipeline(transaction=True)
    p.set("k", "v")
    p.reset()
    assert r("EXISTS", "k") == 0


def test_error_texts(r, err, raw_conn):
    assert err(r, "EXEC") == "ERR EXEC without MULTI"
    assert err(r, "DISCARD") == "ERR DISCARD without MULTI"
    c = raw_conn()
    c.request(resp_cmd("MULTI"))
    assert c.request(resp_cmd("MULTI")) == b"-ERR MULTI calls can not be nested\r\n"
    assert c.request(resp_cmd("WATCH", "k")) == b"-ERR WATCH inside MULTI is not allowed\r\n"
    assert c.request(resp_cmd("SET", "k", "v")) == b"+QUEUED\r\n"
    # neither error aborts the transaction
    assert c.request(resp_cmd("EXEC")) == b"*1\r\n+OK\r\n"
    assert r("GET", "k") == b"v"


def test_execabort_after_unknown_command(r, raw_conn):
    c = raw_conn()
    c.request(resp_cmd("MULTI"))
    assert c.request(resp_cmd("SET", "k", "v")) == b"+QUEUED\r\n"
    assert c.request(resp_cmd("NOSUCHCMD", "x")) == \
        b"-ERR unknown command 'NOSUCHCMD', with args beginning with: 'x' \r\n"
    assert c.request(resp_cmd("INCR", "n")) == b"+QUEUED\r\n"
    assert c.request(resp_cmd("EXEC")) == b"-" + EXECABORT.encode() + b"\r\n"
    assert r("EXISTS", "k", "n") == 0
    # the connection left MULTI
    assert c.request(resp_cmd("EXEC")) == b"-ERR EXEC without MULTI\r\n"


def test_execabort_after_arity_error(r, raw_conn):
    c = raw_conn()
    c.request(resp_cmd("MULTI"))
    assert c.request(resp_cmd("GET")) == \
        b"-ERR wrong number of arguments for 'get' command\r\n"
    assert c.request(resp_cmd("SET", "k", "v")) == b"+QUEUED\r\n"
    assert c.request(resp_cmd("EXEC")) == b"-" + EXECABORT.encode() + b"\r\n"
    assert r("EXISTS", "k") == 0


def test_execabort_pipeline_raises(r):
    p = r.pipeline(transaction=True)
    p.set("k", "v")
    p.execute_command("NOSUCHCMD")
    with pytest.raises(redis.exceptions.ResponseError):
        p.execute()
    assert r("EXISTS", "k") == 0


def test_runtime_error_does_not_roll_back(r, raw_conn):
    c = raw_conn()
    c.request(resp_cmd("MULTI"))
    c.request(resp_cmd("SET", "k", "v"))
    c.request(resp_cmd("LPUSH", "k", "x"))
    c.request(resp_cmd("INCR", "n"))
    assert c.request(resp_cmd("EXEC")) == \
        b"*3\r\n+OK\r\n-" + WRONGTYPE.encode() + b"\r\n:1\r\n"
    assert r("GET", "k") == b"v"
    assert r("GET", "n") == b"1"


def test_runtime_error_pipeline(r):
    p = r.pipeline(transaction=True)
    p.set("k", "v")
    p.lpush("k", "x")
    p.incr("n")
    res = p.execute(raise_on_error=False)
    assert res[0] == b"OK"
    assert isinstance(res[1], redis.exceptions.ResponseError)
    assert res[2] == 1


def test_watch_broken_by_other_connection(r, new_client):
    other = new_client()
    r("SET", "k", "1")
    p = r.pipeline(transaction=True)
    p.watch("k")
    assert p.get("k") == b"1"
    other("SET", "k", "2")
    p.multi()
    p.set("k", "3")
    with pytest.raises(redis.exceptions.WatchError):
        p.execute()
    p.reset()
    assert r("GET", "k") == b"2"


def test_watch_exec_nil_wire(raw_conn, new_client):
    other = new_client()
    for proto, nil in ((2, b"*-1\r\n"), (3, b"_\r\n")):
        c = raw_conn()
        if proto == 3:
            c.request(resp_cmd("HELLO", "3"))
        assert c.request(resp_cmd("WATCH", "wk")) == b"+OK\r\n"
        other("RPUSH", "wk", "x")
        c.request(resp_cmd("MULTI"))
        c.request(resp_cmd("SET", "other", "v"))
        assert c.request(resp_cmd("EXEC")) == nil
    assert other("EXISTS", "other") == 0
    other("DEL", "wk")


def test_watch_untouched_executes(r, new_client):
    other = new_client()
    p = r.pipeline(transaction=True)
    p.watch("k")
    other("SET", "unrelated", "x")
    p.multi()
    p.set("k", "mine")
    assert p.execute() == [b"OK"]
    assert r("GET", "k") == b"mine"


def test_unwatch(r, raw_conn, new_client):
    other = new_client()
    c = raw_conn()
    c.request(resp_cmd("WATCH", "k"))
    other("SET", "k", "x")
    assert c.request(resp_cmd("UNWATCH")) == b"+OK\r\n"
    c.request(resp_cmd("MULTI"))
    c.request(resp_cmd("SET", "k", "y"))
    assert c.request(resp_cmd("EXEC")) == b"*1\r\n+OK\r\n"
    assert r("GET", "k") == b"y"


def test_watch_reset_by_exec_and_discard(r, raw_conn, new_client):
    other = new_client()
    c = raw_conn()
    c.request(resp_cmd("WATCH", "k"))
    c.request(resp_cmd("MULTI"))
    assert c.request(resp_cmd("DISCARD")) == b"+OK\r\n"
    other("SET", "k", "x")
    c.request(resp_cmd("MULTI"))
    c.request(resp_cmd("GET", "k"))
    assert c.request(resp_cmd("EXEC")) == b"*1\r\n$1\r\nx\r\n"


def test_blpop_inside_multi_returns_nil(r, raw_conn):
    c = raw_conn()
    c.request(resp_cmd("MULTI"))
    assert c.request(resp_cmd("BLPOP", "empty", 0)) == b"+QUEUED\r\n"
    assert c.request(resp_cmd("BLMOVE", "empty", "d", "LEFT", "LEFT", 0)) == b"+QUEUED\r\n"
    assert c.request(resp_cmd("BZPOPMIN", "zempty", 0)) == b"+QUEUED\r\n"
    # BLMOVE answers as LMOVE on an empty source (a null bulk), not with the
    # null array of a blocking timeout
    assert c.request(resp_cmd("EXEC"), timeout=1.0) == b"*3\r\n*-1\r\n$-1\r\n*-1\r\n"
    assert blocked_clients(r) == 0


def test_blpop_inside_multi_pops_existing(r):
    r("RPUSH", "l", "a")
    p = r.pipeline(transaction=True)
    p.execute_command("BLPOP", "l", 0)
    p.execute_command("BLPOP", "l", 0)
    assert p.execute() == [[b"l", b"a"], None]


def test_waiter_served_after_exec(r, raw_conn):
    w = raw_conn()
    w.send(resp_cmd("BLPOP", "q", 2))
    assert wait_until(lambda: blocked_clients(r) == 1, timeout=2.0)
    c = raw_conn()
    c.request(resp_cmd("MULTI"))
    c.request(resp_cmd("RPUSH", "q", "a", "b"))
    c.request(resp_cmd("LPOP", "q"))
    # nothing happens before EXEC
    assert w.read_for(0.1) == b""
    assert c.request(resp_cmd("EXEC")) == b"*2\r\n:2\r\n$1\r\na\r\n"
    # the waiter sees the state after the whole transaction
    assert w.read_replies(1) == b"*2\r\n$1\r\nq\r\n$1\r\nb\r\n"
    assert r("EXISTS", "q") == 0


def test_waiter_not_served_when_exec_leaves_key_empty(r, raw_conn):
    w = raw_conn()
    w.send(resp_cmd("BLPOP", "q", 2))
    assert wait_until(lambda: blocked_clients(r) == 1, timeout=2.0)
    c = raw_conn()
    c.request(resp_cmd("MULTI"))
    c.request(resp_cmd("RPUSH", "q", "a"))
    c.request(resp_cmd("DEL", "q"))
    assert c.request(resp_cmd("EXEC")) == b"*2\r\n:1\r\n:1\r\n"
    assert w.read_for(0.15) == b""
    assert blocked_clients(r) == 1
    r("RPUSH", "q", "z")
    assert w.read_replies(1) == b"*2\r\n$1\r\nq\r\n$1\r\nz\r\n"


def test_exec_rejected_under_oom_aborts_the_transaction(r, new_client, err):
    """A rejected EXEC discards its transaction and names the reason (Redis's execCommandAbort)."""
    admin = new_client()
    r("MULTI")
    r("SET", "x", "1")
    r("GET", "x")
    admin("CONFIG", "SET", "maxmemory", "1")
    try:
        assert err(r, "EXEC") == (
            "EXECABORT Transaction discarded because of: OOM command not allowed when used memory > 'maxmemory'.")
    finally:
        admin("CONFIG", "SET", "maxmemory", "0")
    # The transaction is over: commands run again.
    assert r("PING") == b"PONG"
    assert r("EXISTS", "x") == 0
