"""RDB persistence: SAVE/BGSAVE/restart round trips, and golden interop with a
real redis-server (Debian's 7.0.15 at /usr/bin/redis-server, installed by
`make test-deps`): a dump written by redis-server loads in the server under test
and compares key by key, and a dump written by the server under test loads in
redis-server.

Each test starts its own server processes (random loopback ports, temporary
directories); the session server of conftest.py is not used. The server under
test is $CINNABAR_SERVER_BIN (default: redis-server itself, so the suite can be
checked against Redis).

Redis 7.0 refuses RDB version 11, which Redis 7.2 and Cinnabar write, although
a Cinnabar dump uses only encodings that version 10 has (plain lists, sets,
zsets, hashes). To load one in 7.0.15 the test rewrites the version to 0010 and
recomputes the CRC64 (after checking the CRC64 Cinnabar wrote).
"""
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time

import pytest
import redis

from conftest import HOST, _free_port, _ping, _die_with_parent

REDIS_SERVER = "/usr/bin/redis-server"


def _server_under_test():
    return os.environ.get("CINNABAR_SERVER_BIN") or shutil.which("redis-server")


class Proc:
    def __init__(self, binary, directory, extra=()):
        self.dir = directory
        self.port = _free_port()
        self.log_path = os.path.join(directory, "server-%d.log" % self.port)
        args = [binary, "--port", str(self.port), "--bind", HOST,
                "--dir", directory, "--appendonly", "no",
                "--enable-debug-command", "yes"] + list(extra)
        if "--save" not in extra:
            args += ["--save", ""]
        with open(self.log_path, "wb") as log:
            self.proc = subprocess.Popen(args, cwd=directory, stdout=log,
                                         stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL,
                                         preexec_fn=_die_with_parent)
        deadline = time.monotonic() + 30
        while not _ping(HOST, self.port):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("server did not start: " + self.log())
            time.sleep(0.05)
        self.r = redis.Redis(host=HOST, port=self.port, socket_timeout=60,
                             decode_responses=False, protocol=2,
                             single_connection_client=True)
        # Raw replies (SELECT must stay on one connection).
        self.r.response_callbacks.clear()

    def log(self):
        with open(self.log_path, "rb") as f:
            return f.read().decode(errors="replace")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()


@pytest.fixture
def workdir():
    d = tempfile.mkdtemp(prefix="cinnabar-persist-")
    procs = []
    yield d, procs
    for p in procs:
        p.stop()
    shutil.rmtree(d, ignore_errors=True)


def start(workdir, binary=None, subdir="sut", extra=()):
    d, procs = workdir
    path = os.path.join(d, subdir)
    os.makedirs(path, exist_ok=True)
    p = Proc(binary or _server_under_test(), path, extra)
    procs.append(p)
    return p


# --------------------------------------------------------------------------
# data set and comparison
# --------------------------------------------------------------------------

def fill(r):
    """Every type in the encodings Redis 7.0/7.2 choose, in several DBs."""
    p = r.pipeline(transaction=False)
    p.select(0)
    p.set("int", 12345)
    p.set("negative", -9223372036854775808)
    p.set("big-int", 9223372036854775807)
    p.set("embstr", "hello")
    p.set("empty", "")
    p.set("raw", "x" * 100)
    p.set("incompressible", os.urandom(300))
    p.set("binary", bytes(range(256)))
    p.rpush("list-small", "a", "b", 1, -2, 300000, 2 ** 40)
    p.rpush("list-big", *["element-%d" % i for i in range(3000)])
    p.rpush("list-big-values", *[("v" * 9000) + str(i) for i in range(3)])
    p.hset("hash-small", mapping={"f": "v", "n": 42})
    p.hset("hash-big", mapping={"field%d" % i: "v" * (i % 90) for i in range(1000)})
    p.hset("hash-long-value", mapping={"f": "y" * 100})
    p.sadd("set-intset", 1, 2, 3, -70000, 9000000000)
    p.sadd("set-small", "a", "b", "c", 1)
    p.sadd("set-big", *["member:%d" % i for i in range(1000)])
    p.sadd("set-big-ints", *range(1000))
    p.zadd("zset-small", {"a": 1, "b": 2.5, "c": -3, "inf": float("inf")})
    p.zadd("zset-big", {"m%d" % i: i / 3 for i in range(500)})
    p.zadd("zset-long-member", {"z" * 100: 1})
    p.set("expiring", "soon", px=100000000)
    p.rpush("expiring-list", "x")
    p.pexpireat("expiring-list", int(time.time() * 1000) + 50000000)
    p.select(3)
    p.set("db3", "three")
    p.select(15)
    p.hset("db15", "a", "b")
    p.expire("db15", 1000000)
    p.select(0)
    p.execute()


def snapshot(r):
    """Every key of every database: type, value (order-insensitive where the
    type is), absolute deadline."""
    out = {}
    for db in range(16):
        r.execute_command("SELECT", db)
        for key in r.execute_command("KEYS", "*"):
            t = r.execute_command("TYPE", key)
            if t == b"string":
                v = r.execute_command("GET", key)
            elif t == b"list":
                v = r.execute_command("LRANGE", key, 0, -1)
            elif t == b"hash":
                flat = r.execute_command("HGETALL", key)
                v = sorted(zip(flat[::2], flat[1::2]))
            elif t == b"set":
                v = sorted(r.execute_command("SMEMBERS", key))
            elif t == b"zset":
                flat = r.execute_command("ZRANGE", key, 0, -1, "WITHSCORES")
                # Scores as numbers: Redis 7.0 prints them with %.17g, 7.2 the shortest way.
                v = [(m, float(sc)) for m, sc in zip(flat[::2], flat[1::2])]
            else:
                v = None
            out[(db, key)] = (t, v, r.execute_command("PEXPIRETIME", key))
    r.execute_command("SELECT", 0)
    return out


def info(r):
    """INFO persistence as a dict of str -> int or str."""
    out = {}
    for line in r.execute_command("INFO", "persistence").decode().splitlines():
        if ":" in line:
            k, v = line.split(":", 1)
            try:
                out[k] = int(v)
            except ValueError:
                out[k] = v
    return out


def digest(r):
    return r.execute_command("DEBUG", "DIGEST")


# --------------------------------------------------------------------------
# Redis's CRC-64 (Jones polynomial, reflected), for rewriting the version
# --------------------------------------------------------------------------

def _crc64_table():
    poly = 0x95AC9329AC4BC9B5
    table = []
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ poly if c & 1 else c >> 1
        table.append(c)
    return table


_TABLE = _crc64_table()


def crc64(data):
    c = 0
    t = _TABLE
    for b in data:
        c = t[(c ^ b) & 0xFF] ^ (c >> 8)
    return c


def test_crc64_reference():
    assert crc64(b"123456789") == 0xE9C6D914C4B8D9CA


# --------------------------------------------------------------------------
# the server under test alone
# --------------------------------------------------------------------------

def test_save_restart_loads_everything(workdir):
    s = start(workdir)
    fill(s.r)
    before = snapshot(s.r)
    d = digest(s.r)
    assert s.r.execute_command("SAVE") == b"OK"
    state = info(s.r)
    assert state["rdb_changes_since_last_save"] == 0
    assert state["rdb_last_bgsave_status"] == "ok"
    assert state["rdb_saves"] == 1
    assert abs(s.r.execute_command("LASTSAVE") - time.time()) < 5
    with open(os.path.join(s.dir, "dump.rdb"), "rb") as f:
        data = f.read()
    assert data[:9] in (b"REDIS0011", b"REDIS0010")  # Redis 7.2 and Cinnabar write 11, 7.0 writes 10
    assert crc64(data[:-8]) == int.from_bytes(data[-8:], "little")
    s.stop()
    t = start(workdir)
    assert snapshot(t.r) == before
    assert digest(t.r) == d
    state = info(t.r)
    assert state["rdb_last_load_keys_loaded"] == len(before)
    assert state["loading"] == 0


def test_debug_reload_and_encodings(workdir):
    s = start(workdir)
    fill(s.r)
    before = snapshot(s.r)
    encodings = {k: s.r.execute_command("OBJECT", "ENCODING", k)
                 for k in s.r.execute_command("KEYS", "*")}
    assert s.r.execute_command("DEBUG", "RELOAD") == b"OK"
    assert snapshot(s.r) == before
    assert {k: s.r.execute_command("OBJECT", "ENCODING", k)
            for k in s.r.execute_command("KEYS", "*")} == encodings
    with pytest.raises(redis.ResponseError) as e:
        s.r.execute_command("DEBUG", "RELOAD", "BOGUS")
    assert str(e.value) == "DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options."


def test_shutdown_save_and_nosave(workdir):
    s = start(workdir)
    s.r.set("k", "v1")
    try:
        s.r.execute_command("SHUTDOWN", "SAVE")
    except redis.ConnectionError:
        pass
    s.proc.wait(timeout=30)
    t = start(workdir)
    assert t.r.get("k") == b"v1"
    t.r.set("k", "v2")
    try:
        t.r.execute_command("SHUTDOWN", "NOSAVE")
    except redis.ConnectionError:
        pass
    t.proc.wait(timeout=30)
    u = start(workdir)
    assert u.r.get("k") == b"v1"


def test_sigterm_saves_with_save_points(workdir):
    s = start(workdir, extra=["--save", "3600 1"])
    s.r.set("k", "kept")
    s.proc.send_signal(signal.SIGTERM)
    assert s.proc.wait(timeout=30) == 0
    assert "Saving the final RDB snapshot before exiting." in s.log()
    t = start(workdir)
    assert t.r.get("k") == b"kept"


def test_bgsave_and_info(workdir):
    s = start(workdir)
    s.r.execute_command("DEBUG", "POPULATE", 1000)
    assert s.r.execute_command("BGSAVE") == b"Background saving started"
    deadline = time.monotonic() + 30
    while info(s.r)["rdb_bgsave_in_progress"] == 1:
        assert time.monotonic() < deadline
        time.sleep(0.01)
    state = info(s.r)
    assert state["rdb_last_bgsave_status"] == "ok"
    assert state["rdb_changes_since_last_save"] == 0
    assert state["rdb_last_bgsave_time_sec"] >= 0
    with pytest.raises(redis.ResponseError) as e:
        s.r.execute_command("BGSAVE", "NOW")
    assert str(e.value) == "syntax error"
    p = s.r.pipeline(transaction=True)
    p.execute_command("BGSAVE")
    assert p.execute() == [b"Background saving scheduled"]


def test_bgsave_is_a_point_in_time_image_under_writes(workdir):
    s = start(workdir)
    s.r.execute_command("DEBUG", "POPULATE", 300000, "key", 64)
    s.r.rpush("list", *range(1000))
    before = digest(s.r)
    writer = redis.Redis(host=HOST, port=s.port, socket_timeout=60,
                         single_connection_client=True)
    assert s.r.execute_command("BGSAVE") == b"Background saving started"
    answered_during_save = 0
    i = 0
    while True:
        p = writer.pipeline(transaction=False)
        for _ in range(50):
            k = "key:%d" % ((i * 7919) % 320000)
            op = i % 4
            if op == 0:
                p.set(k, "changed")
            elif op == 1:
                p.delete(k)
            elif op == 2:
                p.append(k, "more")
            else:
                p.lpush("list", i)
            i += 1
        p.execute()
        in_progress = info(s.r)["rdb_bgsave_in_progress"]
        if not in_progress:
            break
        answered_during_save += 50
    assert answered_during_save > 0
    assert info(s.r)["rdb_last_bgsave_status"] == "ok"
    after = digest(s.r)
    assert after != before
    # The file holds the data set as it was when BGSAVE started.
    assert s.r.execute_command("DEBUG", "RELOAD", "NOSAVE") == b"OK"
    assert digest(s.r) == before


def test_corrupt_file_stops_startup(workdir):
    s = start(workdir)
    fill(s.r)
    s.r.execute_command("SAVE")
    s.stop()
    path = os.path.join(s.dir, "dump.rdb")
    with open(path, "r+b") as f:
        f.seek(200)
        b = f.read(1)
        f.seek(200)
        f.write(bytes([b[0] ^ 0xFF]))
    port = _free_port()
    proc = subprocess.run([_server_under_test(), "--port", str(port), "--bind", HOST,
                           "--dir", s.dir, "--save", ""],
                          capture_output=True, timeout=60)
    assert proc.returncode != 0


# --------------------------------------------------------------------------
# golden interop with redis-server 7.0.15
# --------------------------------------------------------------------------

def test_redis_dump_loads_here(workdir):
    ref = start(workdir, binary=REDIS_SERVER, subdir="redis")
    fill(ref.r)
    expected = snapshot(ref.r)
    assert ref.r.execute_command("SAVE") == b"OK"
    d, _ = workdir
    os.makedirs(os.path.join(d, "sut"), exist_ok=True)
    shutil.copy(os.path.join(ref.dir, "dump.rdb"), os.path.join(d, "sut", "dump.rdb"))
    s = start(workdir)
    assert snapshot(s.r) == expected


def test_dump_loads_in_redis(workdir):
    s = start(workdir)
    fill(s.r)
    expected = snapshot(s.r)
    assert s.r.execute_command("SAVE") == b"OK"
    with open(os.path.join(s.dir, "dump.rdb"), "rb") as f:
        data = f.read()
    assert crc64(data[:-8]) == int.from_bytes(data[-8:], "little")
    # Redis 7.0 accepts RDB versions up to 10 (see the module docstring).
    body = b"REDIS0010" + data[9:-8]
    d, _ = workdir
    os.makedirs(os.path.join(d, "redis"), exist_ok=True)
    with open(os.path.join(d, "redis", "dump.rdb"), "wb") as f:
        f.write(body + crc64(body).to_bytes(8, "little"))
    ref = start(workdir, binary=REDIS_SERVER, subdir="redis")
    assert snapshot(ref.r) == expected
    # DEBUG DIGEST is not compared across servers: Redis 7.0 hashes zset scores
    # as %.17g text, 7.2 (and Cinnabar) in their shortest form.


# --------------------------------------------------------------------------
# hash-field deadlines (Redis 7.4's RDB_TYPE_HASH_METADATA and _LISTPACK_EX)
# --------------------------------------------------------------------------

def _field_deadlines(r, key, fields):
    return r.execute_command("HPEXPIRETIME", key, "FIELDS", len(fields), *fields)


def _volatile_hashes(r):
    """A small (listpack) and a big (hashtable) hash, each with fields that have deadlines and fields that do not."""
    later = int(time.time() * 1000) + 3_600_000
    r.execute_command("HSET", "small", "a", "1", "b", "2", "c", "3")
    r.execute_command("HPEXPIREAT", "small", later, "FIELDS", 2, "a", "c")
    r.execute_command("HSET", "big", *[x for i in range(600) for x in ("f%d" % i, "v%d" % i)])
    r.execute_command("HPEXPIREAT", "big", later + 5, "FIELDS", 2, "f1", "f599")
    r.execute_command("HPEXPIREAT", "big", later + 10**9, "FIELDS", 1, "f300")
    return {"small": ([b"a", b"b", b"c"], [later, -1, later]),
            "big": ([b"f1", b"f2", b"f300", b"f599"], [later + 5, -1, later + 10**9, later + 5])}


@pytest.mark.redis74
def test_hash_field_deadlines_survive_save_restart_reload_and_dump(workdir):
    s = start(workdir)
    expected = _volatile_hashes(s.r)
    d = digest(s.r)
    assert s.r.execute_command("SAVE") == b"OK"
    with open(os.path.join(s.dir, "dump.rdb"), "rb") as f:
        assert f.read(9) == b"REDIS0012"  # what Redis 7.4 writes; 7.2 refuses the file at its header
    s.stop()
    t = start(workdir)
    for key, (fields, deadlines) in expected.items():
        assert _field_deadlines(t.r, key, fields) == deadlines
    assert t.r.execute_command("HLEN", "big") == 600
    assert digest(t.r) == d
    assert t.r.execute_command("DEBUG", "RELOAD") == b"OK"
    for key, (fields, deadlines) in expected.items():
        assert _field_deadlines(t.r, key, fields) == deadlines
        payload = t.r.execute_command("DUMP", key)
        # RDB_TYPE_HASH_METADATA (Cinnabar writes it for every such hash; Redis 7.4 writes a listpackex, 25)
        assert payload[0] in (24, 25)
        assert int.from_bytes(payload[-10:-8], "little") == 12  # Redis 7.4's RDB version
        assert t.r.execute_command("RESTORE", key + "-copy", 0, payload) == b"OK"
        assert _field_deadlines(t.r, key + "-copy", fields) == deadlines
    # The deadlines still expire fields after the round trips.
    assert t.r.execute_command("HPEXPIRE", "small-copy", 1, "FIELDS", 1, "b") == [1]
    time.sleep(0.05)
    assert t.r.execute_command("HGETALL", "small-copy") in ([b"a", b"1", b"c", b"3"], [b"c", b"3", b"a", b"1"])


def _listpack(entries):
    """A listpack of strings (bytes) and integers, as Redis encodes them."""
    body = b""
    for e in entries:
        if isinstance(e, int):
            enc = b"\xf4" + e.to_bytes(8, "little", signed=True)
        else:
            assert len(e) < 64
            enc = bytes([0x80 | len(e)]) + e
        assert len(enc) < 128
        body += enc + bytes([len(enc)])
    total = 6 + len(body) + 1
    return total.to_bytes(4, "little") + len(entries).to_bytes(2, "little") + body + b"\xff"


def _rdb_string(b):
    assert len(b) < 16384
    return (bytes([len(b)]) if len(b) < 64 else bytes([0x40 | len(b) >> 8, len(b) & 0xFF])) + b


def _payload(body, version=12):
    body = body + version.to_bytes(2, "little")
    return body + crc64(body).to_bytes(8, "little")


@pytest.mark.redis74
def test_redis74_listpack_ex_and_metadata_payloads_restore(workdir):
    s = start(workdir)
    later = int(time.time() * 1000) + 3_600_000
    # RDB_TYPE_HASH_LISTPACK_EX: the minimum deadline, then (field, value, deadline or 0) triples in a listpack.
    lpex = bytes([25]) + later.to_bytes(8, "little") + _rdb_string(
        _listpack([b"a", b"1", later, b"b", b"2", 0, b"c", b"3", later + 7]))
    assert s.r.execute_command("RESTORE", "lp", 0, _payload(lpex)) == b"OK"
    assert _field_deadlines(s.r, "lp", [b"a", b"b", b"c"]) == [later, -1, later + 7]
    assert s.r.execute_command("HGET", "lp", "b") == b"2"
    # RDB_TYPE_HASH_METADATA: the minimum, the count, then [TTL relative to the minimum + 1, or 0][field][value].
    meta = bytes([24]) + later.to_bytes(8, "little") + bytes([2]) + bytes([1]) + _rdb_string(b"x") + \
        _rdb_string(b"10") + bytes([0]) + _rdb_string(b"y") + _rdb_string(b"20")
    assert s.r.execute_command("RESTORE", "meta", 0, _payload(meta)) == b"OK"
    assert _field_deadlines(s.r, "meta", [b"x", b"y"]) == [later, -1]
    # A payload from a newer RDB version than 12 is refused.
    with pytest.raises(redis.ResponseError, match="DUMP payload version or checksum are wrong"):
        s.r.execute_command("RESTORE", "newer", 0, _payload(meta, version=13))


@pytest.mark.redis74
def test_hash_field_deadlines_survive_aof_rewrite(workdir):
    s = start(workdir, extra=("--appendonly", "yes"))
    expected = _volatile_hashes(s.r)
    s.r.execute_command("BGREWRITEAOF")
    deadline = time.monotonic() + 30
    while True:
        state = info(s.r)
        if state["aof_rewrite_in_progress"] == 0 and state["aof_rewrite_scheduled"] == 0:
            break
        assert time.monotonic() < deadline
        time.sleep(0.05)
    # The rewrite's RDB base holds the deadlines; nothing after it in the incremental file restates them.
    s.stop()
    t = start(workdir, extra=("--appendonly", "yes"))
    for key, (fields, deadlines) in expected.items():
        assert _field_deadlines(t.r, key, fields) == deadlines


# DUMP of a listpackex hash from redis-server 7.4.1 (`HSET small a 1 b 2 c 3`, `HPEXPIREAT small 4102444800000
# FIELDS 2 a c`): type 25, the minimum deadline, and the listpack LZF-compressed.
REDIS_741_LISTPACKEX_DUMP = bytes.fromhex(
    "1900d8c32cbb030000c3252c112c00000009008163020301f400d8c32cbb03200f0381610201e0030e06620202010001ff0c000001693b"
    "4ab0763f")


@pytest.mark.redis74
def test_redis741_listpackex_dump_restores(workdir):
    s = start(workdir)
    assert s.r.execute_command("RESTORE", "small", 0, REDIS_741_LISTPACKEX_DUMP) == b"OK"
    assert _field_deadlines(s.r, "small", [b"a", b"b", b"c"]) == [4102444800000, -1, 4102444800000]
    assert sorted(s.r.execute_command("HGETALL", "small")) == [b"1", b"2", b"3", b"a", b"b", b"c"]
