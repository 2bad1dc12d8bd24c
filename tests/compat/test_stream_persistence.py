"""Streams in RDB files and DUMP payloads: DEBUG RELOAD and a restart keep
XINFO STREAM FULL identical; golden interop with real redis-server processes:
a stream with groups built in Redis 7.0.15 (Debian's /usr/bin/redis-server)
RESTOREs here from its DUMP and loads here from its dump.rdb with the same
XINFO STREAM FULL, XRANGE and XPENDING; a DUMP made here RESTOREs in Redis
7.2.6 (only when $REDIS72_SERVER_BIN, default /work/redis-7.2.6/src/redis-server,
exists: CI machines do not have it). Redis 7.0 cannot read what Redis 7.2 and
Cinnabar write for streams (RDB_TYPE_STREAM_LISTPACKS_3, version 11), so no
test feeds a stream to 7.0.

The process helpers are test_persistence.py's.
"""
import os
import shutil

import pytest

from test_persistence import REDIS_SERVER, start, workdir  # noqa: F401 (fixture)

REDIS72_SERVER = os.environ.get("REDIS72_SERVER_BIN", "/work/redis-7.2.6/src/redis-server")


def fill_streams(r):
    """Several nodes, tombstones, a trim, groups with PELs (one claimed, one
    acknowledged), an idle consumer, a group with entries-read unknown, and an
    emptied stream that keeps a group."""
    x = r.execute_command
    x("CONFIG", "SET", "stream-node-max-entries", "4")
    for i in range(1, 40):
        if i % 5 == 0:
            x("XADD", "s", "%d-%d" % (1000 + i // 3, i), "other", "x" * i, "n", -i * 1000)
        else:
            x("XADD", "s", "%d-%d" % (1000 + i // 3, i), "f", i, "name", "value %d" % i)
    x("XDEL", "s", "1000-1", "1002-7", "1003-9", "1003-10", "1003-11")
    x("XTRIM", "s", "MAXLEN", "30")
    x("XGROUP", "CREATE", "s", "g", "0")
    x("XGROUP", "CREATE", "s", "later", "$")
    x("XGROUP", "CREATE", "s", "middle", "1005-16")
    x("XREADGROUP", "GROUP", "g", "alice", "COUNT", "4", "STREAMS", "s", ">")
    x("XREADGROUP", "GROUP", "g", "bob", "COUNT", "2", "STREAMS", "s", ">")
    first = x("XRANGE", "s", "-", "+", "COUNT", "1")[0][0]
    x("XCLAIM", "s", "g", "bob", "0", first)
    x("XACK", "s", "g", x("XRANGE", "s", "-", "+", "COUNT", "2")[1][0])
    x("XGROUP", "CREATECONSUMER", "s", "g", "idle")
    x("XADD", "empty", "1-1", "a", "1")
    x("XDEL", "empty", "1-1")
    x("XGROUP", "CREATE", "empty", "eg", "$")
    x("XGROUP", "CREATECONSUMER", "empty", "eg", "c")
    x("XADD", "bare", "MAXLEN", "0", "5-5", "a", "1")


def skip_if_redis70(r):
    """The SUT is Redis 7.0 itself (no CINNABAR_SERVER_BIN): it has no consumer
    active-time and writes type 19, so the 7.2 expectations do not apply."""
    if b"redis_version:7.0." in r.execute_command("INFO", "server"):
        pytest.skip("the server under test is Redis 7.0")


def full(r, key, across_servers=False):
    reply = r.execute_command("XINFO", "STREAM", key, "FULL")
    if across_servers:
        # radix-tree-nodes counts rax nodes, an implementation detail Cinnabar estimates.
        i = reply.index(b"radix-tree-nodes")
        del reply[i:i + 2]
    return reply


def observe(r, across_servers=False):
    """XINFO STREAM FULL, XRANGE and XPENDING (summary, and the extended form
    without idle times, which move with the clock) of every stream."""
    out = {}
    for key in (b"s", b"empty", b"bare"):
        if not r.execute_command("EXISTS", key):
            continue
        entry = [full(r, key, across_servers), r.execute_command("XRANGE", key, "-", "+")]
        for g in r.execute_command("XINFO", "GROUPS", key):
            name = g[1]
            entry.append(r.execute_command("XPENDING", key, name))
            entry.append([[p[0], p[1], p[3]] for p in
                          r.execute_command("XPENDING", key, name, "-", "+", "100")])
        out[key] = entry
    return out


def test_stream_debug_reload_and_restart_keep_xinfo_full(workdir):
    s = start(workdir)
    fill_streams(s.r)
    expected = observe(s.r)
    assert expected[b"s"][0][1] == 30  # length
    assert s.r.execute_command("DEBUG", "RELOAD") == b"OK"
    assert observe(s.r) == expected
    # DUMP/RESTORE keeps it too, and so do SAVE and a restart.
    s.r.execute_command("RESTORE", "copy", "0", s.r.execute_command("DUMP", "s"))
    assert full(s.r, "copy") == full(s.r, "s")
    s.r.execute_command("DEL", "copy")
    assert s.r.execute_command("SAVE") == b"OK"
    s.stop()
    s2 = start(workdir)
    assert observe(s2.r) == expected


def test_stream_from_redis70_restores_and_loads_here(workdir):
    ref = start(workdir, binary=REDIS_SERVER, subdir="redis")
    fill_streams(ref.r)
    expected = observe(ref.r, across_servers=True)
    payloads = {k: ref.r.execute_command("DUMP", k) for k in (b"s", b"empty", b"bare")}
    assert payloads[b"s"][0] == 19  # RDB_TYPE_STREAM_LISTPACKS_2
    assert ref.r.execute_command("SAVE") == b"OK"
    d, _ = workdir
    os.makedirs(os.path.join(d, "sut"), exist_ok=True)
    shutil.copy(os.path.join(ref.dir, "dump.rdb"), os.path.join(d, "sut", "dump.rdb"))
    s = start(workdir)
    skip_if_redis70(s.r)
    loaded = observe(s.r, across_servers=True)
    # Redis 7.0 has no active-time; the loader takes the seen-time, as Redis 7.2 does.
    assert loaded == _with_active_time_from_seen(expected)
    s.r.execute_command("FLUSHALL")
    for k, p in payloads.items():
        assert s.r.execute_command("RESTORE", k, "0", p) == b"OK"
    assert observe(s.r, across_servers=True) == loaded


def _with_active_time_from_seen(observed):
    """Redis 7.0's XINFO STREAM FULL has no active-time per consumer: insert it
    after seen-time with the same value, as loading a 7.0 stream does."""
    out = {}
    for key, entry in observed.items():
        info = list(entry[0])
        groups = info[info.index(b"groups") + 1]
        for g in groups:
            consumers = g[g.index(b"consumers") + 1]
            for c in consumers:
                if b"active-time" not in c:
                    i = c.index(b"seen-time")
                    c[i + 2:i + 2] = [b"active-time", c[i + 1]]
        out[key] = [info] + entry[1:]
    return out


@pytest.mark.skipif(not os.path.exists(REDIS72_SERVER), reason="no Redis 7.2.6 binary here")
def test_stream_dump_restores_in_redis72(workdir):
    s = start(workdir)
    skip_if_redis70(s.r)
    fill_streams(s.r)
    expected = observe(s.r, across_servers=True)
    payloads = {k: s.r.execute_command("DUMP", k) for k in (b"s", b"empty", b"bare")}
    assert payloads[b"s"][0] == 21  # RDB_TYPE_STREAM_LISTPACKS_3
    ref = start(workdir, binary=REDIS72_SERVER, subdir="redis72")
    for k, p in payloads.items():
        assert ref.r.execute_command("RESTORE", k, "0", p) == b"OK"
    assert observe(ref.r, across_servers=True) == expected
    # And Redis 7.2.6's own DUMP of it comes back here unchanged.
    s.r.execute_command("FLUSHALL")
    for k in payloads:
        assert s.r.execute_command("RESTORE", k, "0", ref.r.execute_command("DUMP", k)) == b"OK"
    assert observe(s.r, across_servers=True) == expected
    # A dump.rdb written here loads in Redis 7.2.6.
    assert s.r.execute_command("SAVE") == b"OK"
    d, _ = workdir
    os.makedirs(os.path.join(d, "redis72b"), exist_ok=True)
    shutil.copy(os.path.join(s.dir, "dump.rdb"), os.path.join(d, "redis72b", "dump.rdb"))
    ref2 = start(workdir, binary=REDIS72_SERVER, subdir="redis72b")
    assert observe(ref2.r, across_servers=True) == expected
