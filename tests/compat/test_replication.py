"""Replication with a real replica: Debian's redis-server 7.0.15
(/usr/bin/redis-server, installed by `make test-deps`) started with
`--replicaof` the server under test follows it: it loads the full-sync image,
then applies the stream (writes in several databases, a transaction, a script,
expiries, deletions, FLUSHDB), and ends up with the same data, checked key by
key with deadlines (not with DEBUG DIGEST, whose value differs between Redis
7.0 and Cinnabar for the same data). It acknowledges, so the master sees it in INFO/ROLE
and WAIT counts it.

Redis 7.0 refuses RDB version 11; the server under test's image must say 10
(Cinnabar's does: its image holds only what RDB 10 defines). Against Redis 7.2
as the server under test (CINNABAR_SERVER_BIN unset or pointing at 7.2), the
7.0 replica cannot load the 7.2 master's version-11 image, so the test is
skipped then.

Each test starts its own processes on random loopback ports.
"""
import os
import time

import pytest

from test_persistence import REDIS_SERVER, fill, snapshot, start, workdir  # noqa: F401


def wait_for(predicate, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def info(r, section):
    out = {}
    for line in r.execute_command("INFO", section).decode().splitlines():
        if ":" in line:
            k, v = line.split(":", 1)
            out[k] = v
    return out


@pytest.mark.skipif(not os.path.exists(REDIS_SERVER), reason="needs Debian's redis-server 7.0")
def test_redis_70_replica_follows(workdir):  # noqa: F811
    master = start(workdir, subdir="master")
    if info(master.r, "server").get("redis_version", "").startswith("7.2") and \
            "cinnabar_version" not in info(master.r, "server"):
        pytest.skip("a Redis 7.2 master sends RDB version 11, which a 7.0 replica refuses")
    fill(master.r)
    replica = start(workdir, binary=REDIS_SERVER, subdir="replica",
                    extra=("--replicaof", "127.0.0.1", str(master.port)))
    assert wait_for(lambda: info(replica.r, "replication").get("master_link_status") == "up"), replica.log()

    m = master.r
    m.execute_command("SELECT", 5)
    m.execute_command("SET", "after-sync", "v")
    m.execute_command("MULTI")
    m.execute_command("INCR", "counter")
    m.execute_command("RPUSH", "list", "a", "b")
    m.execute_command("EXEC")
    m.execute_command("EVAL", "redis.call('hset', KEYS[1], 'f', 'v') redis.call('sadd', KEYS[2], 'm') return 1",
                      2, "h", "s")
    m.execute_command("SET", "relative", "v", "EX", 1000)
    m.execute_command("SET", "short", "v", "PX", 50)
    m.execute_command("INCRBYFLOAT", "float", "1.5")
    m.execute_command("SELECT", 0)
    m.execute_command("DEL", "int")
    m.execute_command("SPOP", "set-small")
    m.execute_command("SELECT", 3)
    m.execute_command("FLUSHDB")
    time.sleep(0.2)
    m.execute_command("SELECT", 5)
    assert m.execute_command("GET", "short") is None  # expired: propagated as DEL

    assert wait_for(lambda: snapshot(replica.r) == snapshot(master.r)), replica.log()

    # The replica acknowledges: the master lists it and WAIT counts it.
    assert m.execute_command("WAIT", 1, 5000) == 1
    repl = info(m, "replication")
    assert repl["connected_slaves"] == "1"
    assert repl["slave0"].startswith("ip=127.0.0.1,port=%d,state=online," % replica.port)
    role = m.execute_command("ROLE")
    assert role[0] == b"master" and role[2][0][1] == str(replica.port).encode()
    assert "Full resync from master" in replica.log() or "MASTER <-> REPLICA sync: Finished with success" in replica.log()
