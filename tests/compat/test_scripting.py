"""Scripting: EVAL/EVALSHA through redis-py's Script objects (the way client
libraries run scripts: EVALSHA first, EVAL on NOSCRIPT), a sliding-window rate
limiter and a lock release as real libraries write them, FUNCTION/FCALL, the
replies' conversions in RESP2 and RESP3, error texts, and a script running past
busy-reply-threshold: other clients get BUSY, SCRIPT KILL stops it, the server
keeps serving."""

import threading
import time

import pytest
import redis

from conftest import error_text, parse_info, wait_until

RATE_LIMIT = """
local key, now, window, limit = KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
if redis.call('ZCARD', key) >= limit then return 0 end
redis.call('ZADD', key, now, ARGV[4])
redis.call('PEXPIRE', key, window)
return 1
"""

RELEASE = """
if redis.call('get', KEYS[1]) == ARGV[1] then
    return redis.call('del', KEYS[1])
else
    return 0
end
"""


def test_register_script_evalsha_then_eval(new_client):
    c = new_client()
    c.script_flush()
    script = c.register_script("return {KEYS[1], ARGV[1], redis.call('incr', KEYS[1])}")
    # redis-py tries EVALSHA, gets NOSCRIPT, loads the script and retries.
    assert script(keys=["n"], args=["a"]) == [b"n", b"a", 1]
    assert c.script_exists(script.sha) == [1]
    assert script(keys=["n"], args=["b"]) == [b"n", b"b", 2]


def test_rate_limiter(new_client):
    c = new_client()
    limiter = c.register_script(RATE_LIMIT)
    now = 1_000_000
    results = [limiter(keys=["rl"], args=[now + i, 1000, 5, "req%d" % i]) for i in range(8)]
    assert results == [1, 1, 1, 1, 1, 0, 0, 0]
    assert c.zcard("rl") == 5
    assert 0 < c.pttl("rl") <= 1000
    # After the window, requests are admitted again.
    assert limiter(keys=["rl"], args=[now + 2000, 1000, 5, "late"]) == 1


def test_lock_release(new_client):
    c = new_client()
    release = c.register_script(RELEASE)
    assert c.set("lock", "me", nx=True, px=10000)
    assert release(keys=["lock"], args=["someone-else"]) == 0
    assert c.get("lock") == b"me"
    assert release(keys=["lock"], args=["me"]) == 1
    assert c.exists("lock") == 0


def test_redis_py_lock_uses_scripts(new_client):
    c = new_client()
    lock = c.lock("resource", timeout=5)
    assert lock.acquire(blocking=False)
    assert lock.extend(5)
    assert 5000 < c.pttl("resource") <= 10000
    lock.release()
    assert c.exists("resource") == 0


def test_conversions_resp2(r):
    assert r("EVAL", "return {1, 2.9, 'x', true, false, nil, 5}", 0) == [1, 2, b"x", 1, None]
    assert r("EVAL", "return redis.status_reply('FINE')", 0) == b"FINE"
    assert r("EVAL", "return {double=3.5}", 0) == b"3.5"


def test_conversions_resp3(r3):
    r3("HSET", "h", "f", "v")
    assert r3("EVAL", "redis.setresp(3); return redis.call('hgetall', KEYS[1])", 1, "h") == {b"f": b"v"}
    assert r3("EVAL", "return {double=3.5}", 0) == 3.5
    assert r3("EVAL", "redis.setresp(3); return false", 0) is False


def test_error_texts(r, err):
    r("SET", "str", "abc")
    assert err(r, "EVAL", "return redis.call('incr', KEYS[1])", 1, "str") == (
        "ERR value is not an integer or out of range script: "
        "2bab3b661081db58bd2341920e0ba7cf5dc77b25, on @user_script:1.")
    assert err(r, "EVALSHA", "ffffffffffffffffffffffffffffffffffffffff", 0) == (
        "NOSCRIPT No matching script. Please use EVAL.")
    assert err(r, "EVAL", "return a", 0).startswith(
        "ERR user_script:1: Script attempted to access nonexistent global variable 'a'")
    assert "Attempt to modify a readonly table" in err(r, "EVAL", "x = 1", 0)
    assert err(r, "EVAL", "return 1", 3, "a") == "ERR Number of keys can't be greater than number of args"


def test_functions(new_client):
    c = new_client()
    c.function_flush()
    code = ("#!lua name=counters\n"
            "redis.register_function('bump', function(keys, args) return redis.call('incrby', keys[1], args[1]) end)\n"
            "redis.register_function{function_name='peek', callback=function(keys) return redis.call('get', keys[1]) end,"
            " flags={'no-writes'}}")
    assert c.function_load(code) == b"counters"
    assert c.fcall("bump", 1, "c", 5) == 5
    assert c.fcall_ro("peek", 1, "c") == b"5"
    with pytest.raises(redis.ResponseError) as e:
        c.fcall_ro("bump", 1, "c", 1)
    assert error_text(e.value) == "ERR Can not execute a script with write flag using *_ro command."
    (library,) = c("FUNCTION", "LIST", "LIBRARYNAME", "count*")
    assert library[:5] == [b"library_name", b"counters", b"engine", b"LUA", b"functions"]
    # FUNCTION LIST's order of functions is Redis's dict order: compare sorted.
    assert sorted(library[5]) == [
        [b"name", b"bump", b"description", None, b"flags", []],
        [b"name", b"peek", b"description", None, b"flags", [b"no-writes"]]]
    dump = c.function_dump()
    assert c.function_flush() == b"OK"
    assert c.function_restore(dump) == b"OK"
    assert c.fcall("bump", 1, "c", 1) == 6


def test_busy_script_and_script_kill(server, new_client):
    admin = new_client()
    admin.config_set("busy-reply-threshold", 50)
    runner = new_client()
    outcome = {}

    def run():
        try:
            runner.eval("while true do end", 0)
        except redis.RedisError as e:
            outcome["error"] = error_text(e)

    t = threading.Thread(target=run)
    t.start()
    try:
        other = new_client()

        def busy():
            try:
                other.ping()
                return False
            except redis.RedisError as e:
                return error_text(e).startswith("BUSY")

        assert wait_until(busy, timeout=5.0)
        with pytest.raises(redis.RedisError) as e:
            other.get("x")
        assert error_text(e.value) == "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE."
        assert other.script_kill() == b"OK"
    finally:
        t.join(timeout=10)
    assert not t.is_alive()
    assert "Script killed by user with SCRIPT KILL..." in outcome["error"]
    assert other.ping()
    admin.config_set("busy-reply-threshold", 5000)


def test_unkillable_after_write(server, new_client):
    admin = new_client()
    admin.config_set("busy-reply-threshold", 50)
    runner = new_client()
    done = threading.Event()

    def run():
        try:
            runner.eval("redis.call('set', 'w', 1) local i = 0 while i < 30000000 do i = i + 1 end return 1", 0)
        finally:
            done.set()

    t = threading.Thread(target=run)
    t.start()
    other = new_client()

    def busy():
        try:
            other.ping()
            return False
        except redis.RedisError as e:
            return error_text(e).startswith("BUSY")

    assert wait_until(busy, timeout=5.0)
    with pytest.raises(redis.RedisError) as e:
        other.script_kill()
    assert error_text(e.value).startswith("UNKILLABLE Sorry the script already executed write commands")
    t.join(timeout=60)
    assert done.is_set()
    assert other.get("w") == b"1"
    admin.config_set("busy-reply-threshold", 5000)


def test_info_memory_counts_scripts(r):
    r("SCRIPT", "FLUSH")
    r("SCRIPT", "LOAD", "return 1")
    r("SCRIPT", "LOAD", "return 2")
    info = parse_info(r("INFO", "memory"))
    assert info["number_of_cached_scripts"] == "2"
    assert int(info["used_memory_lua"]) > 0
