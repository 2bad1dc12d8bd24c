"""AOF persistence: restart round trips (appendfsync always, SIGKILL), BGREWRITEAOF,
CONFIG SET appendonly, truncated and corrupted files, golden interop with Debian's
redis-server 7.0.15 both ways (AOF directories in Redis 7's multi-part layout), and
a crash test: a writer with appendfsync always, the server killed with SIGKILL at
random moments, every acknowledged write checked after each restart.

Redis 7.0 refuses RDB version 11 (see test_persistence.py): the Cinnabar → 7.0
direction rewrites the version of the base file to 0010 and recomputes its CRC64.
"""
import os
import random
import shutil
import signal
import threading
import time

import pytest
import redis

from test_persistence import (REDIS_SERVER, crc64, digest, fill, info, snapshot,
                              start, workdir)  # noqa: F401 (workdir is a fixture)

AOF = ("--appendonly", "yes", "--appendfsync", "always")


def kill9(p):
    p.proc.send_signal(signal.SIGKILL)
    p.proc.wait(timeout=30)


def wait_rewrite(r):
    deadline = time.monotonic() + 60
    while True:
        state = info(r)
        if state["aof_rewrite_in_progress"] == 0 and state["aof_rewrite_scheduled"] == 0:
            return state
        assert time.monotonic() < deadline
        time.sleep(0.05)


def aof_dir(p):
    return os.path.join(p.dir, "appendonlydir")


def manifest(p):
    with open(os.path.join(aof_dir(p), "appendonly.aof.manifest")) as f:
        return [line.split() for line in f.read().splitlines()]


def more_writes(r):
    """Commands Redis rewrites when propagating, a transaction and a script."""
    r.execute_command("SELECT", 0)
    r.execute_command("SET", "ex", "v", "EX", 1000)
    r.execute_command("SETEX", "setex", 500, "v")
    r.execute_command("INCRBYFLOAT", "float", "1.1")
    r.execute_command("INCRBYFLOAT", "float", "2.2")
    r.execute_command("HINCRBYFLOAT", "hfloat", "f", "0.5")
    r.execute_command("SADD", "popme", *range(20))
    r.execute_command("SPOP", "popme")
    r.execute_command("SPOP", "popme", 5)
    r.execute_command("EXPIRE", "list-small", 5000)
    r.execute_command("MULTI")
    r.execute_command("INCR", "counter")
    r.execute_command("RPUSH", "tx-list", "a", "b")
    r.execute_command("EXEC")
    r.execute_command("EVAL", "redis.call('set', KEYS[1], ARGV[1]); return redis.call('incr', 'counter')",
                      1, "from-script", "s")
    r.execute_command("SELECT", 5)
    r.execute_command("LPUSH", "db5", "x")
    r.execute_command("SELECT", 0)


def test_restart_after_sigkill_loads_everything(workdir):
    s = start(workdir, extra=AOF)
    fill(s.r)
    more_writes(s.r)
    s.r.execute_command("FUNCTION", "LOAD",
                        "#!lua name=mylib\nredis.register_function('f', function() return 1 end)")
    before = snapshot(s.r)
    d = digest(s.r)
    state = info(s.r)
    assert state["aof_enabled"] == 1 and state["aof_last_write_status"] == "ok"
    assert [m[1] for m in manifest(s)] == ["appendonly.aof.1.base.rdb", "appendonly.aof.1.incr.aof"]
    kill9(s)
    t = start(workdir, extra=AOF)
    assert snapshot(t.r) == before
    assert digest(t.r) == d
    assert t.r.execute_command("FCALL", "f", 0) == 1
    assert "DB loaded from incr file appendonly.aof.1.incr.aof" in t.log()


def test_bgrewriteaof_then_restart(workdir):
    s = start(workdir, extra=AOF)
    fill(s.r)
    assert s.r.execute_command("BGREWRITEAOF") == b"Background append only file rewriting started"
    more_writes(s.r)  # while the rewrite runs: these go to the new incremental file
    state = wait_rewrite(s.r)
    assert state["aof_last_bgrewrite_status"] == "ok" and state["aof_rewrites"] == 1
    assert state["aof_base_size"] > 0 and state["aof_current_size"] >= state["aof_base_size"]
    assert manifest(s) == [["file", "appendonly.aof.2.base.rdb", "seq", "2", "type", "b"],
                           ["file", "appendonly.aof.2.incr.aof", "seq", "2", "type", "i"]]
    assert sorted(os.listdir(aof_dir(s))) == ["appendonly.aof.2.base.rdb", "appendonly.aof.2.incr.aof",
                                             "appendonly.aof.manifest"]
    s.r.execute_command("SET", "after-rewrite", "1")
    before = snapshot(s.r)
    kill9(s)
    t = start(workdir, extra=AOF)
    assert snapshot(t.r) == before


def test_config_set_appendonly_at_runtime(workdir):
    s = start(workdir)
    fill(s.r)
    assert s.r.execute_command("CONFIG", "SET", "appendonly", "yes") == b"OK"
    s.r.execute_command("SET", "during", "1")
    state = wait_rewrite(s.r)
    assert state["aof_enabled"] == 1 and state["aof_last_bgrewrite_status"] == "ok"
    more_writes(s.r)
    before = snapshot(s.r)
    kill9(s)
    t = start(workdir, extra=AOF)
    assert snapshot(t.r) == before
    assert t.r.execute_command("CONFIG", "SET", "appendonly", "no") == b"OK"
    assert info(t.r)["aof_enabled"] == 0


def test_truncated_last_command_is_dropped(workdir):
    s = start(workdir, extra=AOF)
    s.r.execute_command("SET", "a", "1")
    s.r.execute_command("SET", "b", "2")
    kill9(s)
    incr = os.path.join(aof_dir(s), "appendonly.aof.1.incr.aof")
    size = os.path.getsize(incr)
    with open(incr, "ab") as f:
        f.write(b"*3\r\n$3\r\nSET\r\n$1\r\nc\r\n$5\r\nhel")
    t = start(workdir, extra=AOF)
    assert t.r.execute_command("MGET", "a", "b", "c") == [b"1", b"2", None]
    assert "Truncating the AOF appendonly.aof.1.incr.aof at offset %d" % size in t.log()
    assert os.path.getsize(incr) == size
    t.r.execute_command("SET", "c", "3")
    kill9(t)
    # With aof-load-truncated no, a short file stops startup.
    with open(incr, "ab") as f:
        f.write(b"*2\r\n$3\r\nDEL")
    with pytest.raises(RuntimeError) as e:
        start(workdir, extra=AOF + ("--aof-load-truncated", "no"))
    assert "Unexpected end of file reading the append only file appendonly.aof.1.incr.aof" in str(e.value)


def test_incomplete_transaction_is_reverted(workdir):
    s = start(workdir, extra=AOF)
    s.r.execute_command("SET", "a", "1")
    kill9(s)
    incr = os.path.join(aof_dir(s), "appendonly.aof.1.incr.aof")
    with open(incr, "ab") as f:
        f.write(b"*1\r\n$5\r\nMULTI\r\n*3\r\n$3\r\nSET\r\n$1\r\nb\r\n$1\r\n2\r\n")
    t = start(workdir, extra=AOF)
    assert t.r.execute_command("MGET", "a", "b") == [b"1", None]
    assert "Revert incomplete MULTI/EXEC transaction" in t.log()


def test_corrupted_file_stops_startup_naming_file_and_offset(workdir):
    s = start(workdir, extra=AOF)
    s.r.execute_command("SET", "a", "1")
    s.r.execute_command("SET", "b", "2")
    kill9(s)
    incr = os.path.join(aof_dir(s), "appendonly.aof.1.incr.aof")
    with open(incr, "rb") as f:
        data = f.read()
    offset = data.index(b"*3\r\n$3\r\nSET\r\n$1\r\nb")
    with open(incr, "wb") as f:
        f.write(data[:offset] + b"garbage\r\n" + data[offset:])
    with pytest.raises(RuntimeError) as e:
        start(workdir, extra=AOF)
    message = str(e.value)
    assert "Bad file format reading the append only file appendonly.aof.1.incr.aof" in message
    if "cinnabar" in message.lower() or "offset" in message:
        assert "at offset %d" % offset in message


# --------------------------------------------------------------------------
# golden interop with redis-server 7.0.15
# --------------------------------------------------------------------------

def redis_writes(r):
    fill(r)
    more_writes(r)


@pytest.mark.skipif(not os.path.exists(REDIS_SERVER), reason="needs Debian's redis-server")
def test_redis_aof_directory_loads(workdir):
    ref = start(workdir, binary=REDIS_SERVER, subdir="redis", extra=AOF)
    redis_writes(ref.r)
    expected = snapshot(ref.r)
    kill9(ref)
    d, _ = workdir
    os.makedirs(os.path.join(d, "sut"), exist_ok=True)
    shutil.copytree(aof_dir(ref), os.path.join(d, "sut", "appendonlydir"))
    s = start(workdir, extra=AOF)
    assert snapshot(s.r) == expected


@pytest.mark.skipif(not os.path.exists(REDIS_SERVER), reason="needs Debian's redis-server")
def test_aof_directory_loads_in_redis(workdir):
    s = start(workdir, extra=AOF)
    if b"cinnabar_version" not in s.r.execute_command("INFO", "server"):
        pytest.skip("Redis 7.2's base files use encodings 7.0 cannot read; this direction is for Cinnabar")
    fill(s.r)
    assert s.r.execute_command("BGREWRITEAOF") == b"Background append only file rewriting started"
    wait_rewrite(s.r)
    more_writes(s.r)
    expected = snapshot(s.r)
    kill9(s)
    d, _ = workdir
    target = os.path.join(d, "redis", "appendonlydir")
    shutil.copytree(aof_dir(s), target)
    base = os.path.join(target, "appendonly.aof.2.base.rdb")
    with open(base, "rb") as f:
        data = f.read()
    assert crc64(data[:-8]) == int.from_bytes(data[-8:], "little")
    if data[:9] == b"REDIS0011":
        body = b"REDIS0010" + data[9:-8]
        with open(base, "wb") as f:
            f.write(body + crc64(body).to_bytes(8, "little"))
    ref = start(workdir, binary=REDIS_SERVER, subdir="redis", extra=AOF)
    assert snapshot(ref.r) == expected


# --------------------------------------------------------------------------
# crash test
# --------------------------------------------------------------------------

def crash_rounds(workdir, rounds, seed):
    """Kills the server with SIGKILL `rounds` times while a writer runs; after each restart every acknowledged
    write must be there. Returns (acknowledged writes, restarts)."""
    rng = random.Random(seed)
    acked = {"counter": 0, "list": 0}
    total_acks = 0
    restarts = 0
    for _ in range(rounds):
        s = start(workdir, extra=AOF)
        r = s.r
        # Everything acknowledged before this run survived.
        got_counter = int(r.execute_command("GET", "counter") or 0)
        got_list = r.execute_command("LLEN", "list")
        assert acked["counter"] <= got_counter <= acked["counter"] + 1
        assert acked["list"] <= got_list <= acked["list"] + 1
        if got_list:
            assert r.execute_command("LINDEX", "list", acked["list"] - 1 if acked["list"] else 0) is not None
        for i in range(max(0, acked["list"] - 5), acked["list"]):
            assert r.execute_command("LINDEX", "list", i) == b"e%d" % i
        acked = {"counter": got_counter, "list": got_list}
        stop = threading.Event()

        def writer():
            nonlocal total_acks
            c = redis.Redis(host=s.r.connection_pool.connection_kwargs["host"], port=s.port,
                            socket_timeout=5, protocol=2)
            try:
                while not stop.is_set():
                    n = c.execute_command("INCR", "counter")
                    acked["counter"] = n
                    m = c.execute_command("RPUSH", "list", "e%d" % acked["list"])
                    acked["list"] = m
                    c.execute_command("SET", "k%d" % (n % 100), n)
                    total_acks += 3
            except (redis.ConnectionError, redis.TimeoutError, ConnectionResetError, OSError):
                pass

        t = threading.Thread(target=writer)
        t.start()
        time.sleep(rng.uniform(0.05, 0.4))
        kill9(s)
        stop.set()
        t.join()
        restarts += 1
    s = start(workdir, extra=AOF)
    assert acked["counter"] <= int(s.r.execute_command("GET", "counter") or 0) <= acked["counter"] + 1
    assert acked["list"] <= s.r.execute_command("LLEN", "list") <= acked["list"] + 1
    return total_acks, restarts


def test_crash_sigkill_always_keeps_acknowledged_writes(workdir):
    rounds = int(os.environ.get("CINNABAR_CRASH_ROUNDS", "8"))
    acks, restarts = crash_rounds(workdir, rounds, seed=int(os.environ.get("CINNABAR_CRASH_SEED", "7")))
    assert restarts == rounds and acks > 0
    print("crash test: %d restarts, %d acknowledged writes checked" % (restarts, acks))
