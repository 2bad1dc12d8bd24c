"""Lazy freeing and memory accounting (Redis 7.2's lazyfree.c, evict.c): FLUSHALL / FLUSHDB ASYNC and
lazyfree-lazy-user-flush, lazyfree-lazy-server-del / -expire / -eviction counted in INFO lazyfreed_objects, and
mem_not_counted_for_evict with the AOF on.

The big values are well above both servers' thresholds for freeing in the background (Redis: more than 64
allocations; Cinnabar: 8 KB of heap), so both count the same objects.
"""
import threading
import time

import pytest

from conftest import parse_info, wait_until
from test_persistence import start, workdir  # noqa: F401 (workdir is a fixture)

BIG = 20000


def info(r, field):
    return int(parse_info(r("INFO", "all"))[field])


def freed(r):
    """lazyfreed_objects once nothing is pending any more."""
    assert wait_until(lambda: info(r, "lazyfree_pending_objects") == 0, timeout=10.0)
    return info(r, "lazyfreed_objects")


def big_hash(r, key, n=BIG):
    r("DEL", key)
    for i in range(0, n, 5000):
        r("HSET", key, *[x for j in range(i, min(i + 5000, n)) for x in ("field%d" % j, "value")])


@pytest.fixture
def lazy_config(r):
    """Restores the lazyfree options and the memory settings a test changes."""
    names = ["lazyfree-lazy-eviction", "lazyfree-lazy-expire", "lazyfree-lazy-server-del",
             "lazyfree-lazy-user-del", "lazyfree-lazy-user-flush", "replica-lazy-flush",
             "maxmemory", "maxmemory-policy"]
    saved = {n: r("CONFIG", "GET", n)[1] for n in names}
    yield
    r("CONFIG", "SET", "maxmemory", "0")
    for n, v in saved.items():
        r("CONFIG", "SET", n, v)
    r("DEBUG", "SET-ACTIVE-EXPIRE", "1")


def test_flushall_async_empties_at_once_and_counts_every_key(r, new_client):
    """FLUSHALL ASYNC: every database is empty when it returns, another client is served while the big hash is
    released, and lazyfreed_objects counts one object per flushed key (emptyDbAsync adds dictSize)."""
    before = freed(r)
    big_hash(r, "big", 200000)
    r("SET", "a", "1")
    r("PEXPIRE", "a", "100000")
    r("SELECT", "2")
    r("MSET", "b", "1", "c", "2")
    r("SELECT", "0")
    other = new_client()
    stop = threading.Event()
    pings = []

    def ping():
        while not stop.is_set():
            pings.append(other.execute_command("PING"))

    t = threading.Thread(target=ping)
    t.start()
    try:
        assert r("FLUSHALL", "ASYNC") == b"OK"
        assert r("DBSIZE") == 0
        assert r("EXISTS", "big", "a") == 0
        r("SELECT", "2")
        assert r("DBSIZE") == 0
        r("SELECT", "0")
        assert wait_until(lambda: len(pings) > 0, timeout=5.0)
    finally:
        stop.set()
        t.join()
    assert all(p in (b"PONG", True) for p in pings)
    assert freed(r) - before == 4


def test_flushdb_async_only_the_selected_database(r):
    before = freed(r)
    r("SET", "kept", "1")
    r("SELECT", "1")
    big_hash(r, "big")
    r("SET", "x", "1")
    assert r("FLUSHDB", "ASYNC") == b"OK"
    assert r("DBSIZE") == 0
    r("SELECT", "0")
    assert r("GET", "kept") == b"1"
    assert freed(r) - before == 2


def test_flush_sync_async_and_syntax(r, err):
    before = freed(r)
    r("MSET", "a", "1", "b", "2")
    assert r("FLUSHDB", "SYNC") == b"OK"
    assert r("DBSIZE") == 0
    r("MSET", "a", "1", "b", "2")
    assert r("FLUSHALL", "sync") == b"OK"
    assert freed(r) == before
    assert err(r, "FLUSHALL", "LAZY") == "ERR syntax error"
    assert err(r, "FLUSHDB", "ASYNC", "SYNC") == "ERR syntax error"
    r("SET", "a", "1")
    assert r("FLUSHDB", "async") == b"OK"
    assert freed(r) == before + 1


def test_lazyfree_lazy_user_flush(r, lazy_config):
    """With lazyfree-lazy-user-flush a plain FLUSHALL / FLUSHDB is asynchronous; SYNC still frees inline."""
    before = freed(r)
    r("MSET", "a", "1", "b", "2")
    assert r("FLUSHALL") == b"OK"
    assert freed(r) == before
    assert r("CONFIG", "SET", "lazyfree-lazy-user-flush", "yes") == b"OK"
    r("MSET", "a", "1", "b", "2")
    assert r("FLUSHALL") == b"OK"
    assert freed(r) == before + 2
    r("MSET", "a", "1", "b", "2", "c", "3")
    assert r("FLUSHDB") == b"OK"
    assert freed(r) == before + 5
    r("MSET", "a", "1", "b", "2")
    assert r("FLUSHDB", "SYNC") == b"OK"
    r("MSET", "a", "1", "b", "2")
    assert r("FLUSHALL", "SYNC") == b"OK"
    assert r("DBSIZE") == 0
    assert freed(r) == before + 5


def test_lazyfree_options_config(r, err, lazy_config):
    for name in ["lazyfree-lazy-eviction", "lazyfree-lazy-expire", "lazyfree-lazy-server-del",
                 "lazyfree-lazy-user-del", "lazyfree-lazy-user-flush", "replica-lazy-flush"]:
        assert r("CONFIG", "GET", name) == [name.encode(), b"no"]
        assert r("CONFIG", "SET", name, "yes") == b"OK"
        assert r("CONFIG", "GET", name) == [name.encode(), b"yes"]
        assert err(r, "CONFIG", "SET", name, "maybe") == \
            "ERR CONFIG SET failed (possibly related to argument '%s') - argument must be 'yes' or 'no'" % name
    assert r("CONFIG", "GET", "slave-lazy-flush") == [b"slave-lazy-flush", b"yes"]


def test_lazyfree_lazy_server_del(r, lazy_config):
    """Values a command deletes or replaces on its own are freed in the background under lazyfree-lazy-server-del;
    DEL stays synchronous (that is lazyfree-lazy-user-del)."""
    before = freed(r)
    big_hash(r, "h")
    assert r("SET", "h", "x") == b"OK"
    assert freed(r) == before
    assert r("CONFIG", "SET", "lazyfree-lazy-server-del", "yes") == b"OK"
    big_hash(r, "h")
    assert r("SET", "h", "x") == b"OK"
    assert freed(r) == before + 1
    big_hash(r, "h")
    big_hash(r, "h2")
    assert r("RENAME", "h2", "h") == b"OK"
    assert freed(r) == before + 2
    r("SADD", "src", *range(BIG))
    r("SADD", "src", "member")  # a hashtable set
    assert r("SUNIONSTORE", "dst", "src") == BIG + 1
    assert r("SUNIONSTORE", "dst", "src") == BIG + 1
    assert freed(r) == before + 3
    assert len(r("SUNION", "src", "missing")) == BIG + 1
    assert freed(r) == before + 4
    assert r("COPY", "src", "h", "REPLACE") == 1
    assert freed(r) == before + 5
    big_hash(r, "h3")
    assert r("DEL", "h3") == 1
    assert freed(r) == before + 5


def test_lazyfree_lazy_expire(r, lazy_config):
    """A big key removed by expiry is freed in the background under lazyfree-lazy-expire."""
    r("DEBUG", "SET-ACTIVE-EXPIRE", "0")
    before = freed(r)
    big_hash(r, "e")
    r("PEXPIRE", "e", "20")
    time.sleep(0.05)
    assert r("EXISTS", "e") == 0
    assert freed(r) == before
    assert r("CONFIG", "SET", "lazyfree-lazy-expire", "yes") == b"OK"
    big_hash(r, "e")
    r("PEXPIRE", "e", "20")
    time.sleep(0.05)
    assert r("EXISTS", "e") == 0
    assert freed(r) == before + 1
    big_hash(r, "e")
    assert r("EXPIRE", "e", "-1") == 1
    assert freed(r) == before + 2
    big_hash(r, "e")
    r("PEXPIRE", "e", "20")
    r("DEBUG", "SET-ACTIVE-EXPIRE", "1")
    assert wait_until(lambda: r("DBSIZE") == 0, timeout=5.0)
    assert freed(r) == before + 3


def test_lazyfree_lazy_eviction(r, lazy_config):
    """Evicted big values are freed in the background under lazyfree-lazy-eviction. (Redis goes on evicting while
    the first values are still being freed; Cinnabar counts them as freed, so how many keys go differs.)"""
    for k in range(5):
        big_hash(r, "ev%d" % k)
    before = freed(r)
    evicted = info(r, "evicted_keys")
    assert r("CONFIG", "SET", "lazyfree-lazy-eviction", "yes") == b"OK"
    assert r("CONFIG", "SET", "maxmemory-policy", "allkeys-lru") == b"OK"
    used = info(r, "used_memory")
    r("CONFIG", "SET", "maxmemory", str(used - 300000))
    assert wait_until(lambda: info(r, "evicted_keys") > evicted, timeout=5.0)
    r("CONFIG", "SET", "maxmemory", "0")
    assert freed(r) - before >= 1
    assert freed(r) - before == info(r, "evicted_keys") - evicted


def test_mem_not_counted_for_evict_is_the_aof_buffer(workdir):
    s = start(workdir, extra=("--appendonly", "yes"))
    s.r.execute_command("SET", "k", "v")
    fields = parse_info(s.r.execute_command("INFO", "memory"))
    assert int(fields["mem_not_counted_for_evict"]) > 0
    assert fields["mem_not_counted_for_evict"] == fields["mem_aof_buffer"]
    assert s.r.execute_command("CONFIG", "SET", "appendonly", "no") == b"OK"
    fields = parse_info(s.r.execute_command("INFO", "memory"))
    assert fields["mem_not_counted_for_evict"] == "0"
    assert fields["mem_aof_buffer"] == "0"
